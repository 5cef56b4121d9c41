using Microsoft.Extensions.Options;

namespace IggyAspire.Producer;

/// <summary>How fast and in what batches the demo sends: one message a second by default, as the proof of concept did.</summary>
internal sealed class DemoProducerOptions
{
    /// <summary>The configuration section the options are read from.</summary>
    public const string SectionName = "Demo:Producer";

    /// <summary>Time between two sends.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Messages per send; raise it (and lower the interval) to use the producer as a load generator.</summary>
    public int BatchSize { get; set; } = 1;

    /// <summary>The text every message carries.</summary>
    public string Text { get; set; } = "hello from producer";
}

/// <summary>Validates <see cref="DemoProducerOptions"/> when the host starts, naming each bad key.</summary>
internal sealed class DemoProducerOptionsValidator : IValidateOptions<DemoProducerOptions>
{
    public ValidateOptionsResult Validate(string? name, DemoProducerOptions options)
    {
        const string Section = DemoProducerOptions.SectionName;
        var failures = new List<string>();
        if (options.Interval < TimeSpan.FromMilliseconds(1) || options.Interval > TimeSpan.FromHours(1))
        {
            failures.Add($"{Section}:Interval must be between {TimeSpan.FromMilliseconds(1)} and {TimeSpan.FromHours(1)} (was {options.Interval}).");
        }

        if (options.BatchSize is < 1 or > 1000)
        {
            failures.Add($"{Section}:BatchSize must be between 1 and 1000 (was {options.BatchSize}).");
        }

        if (string.IsNullOrEmpty(options.Text))
        {
            failures.Add($"{Section}:Text must not be empty.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
