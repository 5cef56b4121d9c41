using Microsoft.Extensions.Options;

namespace IggyAspire.Messaging.Options;

/// <summary>Validates <see cref="ProducerOptions"/>.</summary>
internal sealed class ProducerOptionsValidator : IValidateOptions<ProducerOptions>
{
    public ValidateOptionsResult Validate(string? name, ProducerOptions options)
    {
        const string Section = ProducerOptions.SectionName;
        var failures = new List<string>();
        OptionsRules.Duration(failures, $"{Section}:Interval", options.Interval, TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1));
        OptionsRules.Range(failures, $"{Section}:BatchSize", options.BatchSize, 1, 1000);
        if (string.IsNullOrEmpty(options.Text))
        {
            failures.Add($"{Section}:Text must not be empty.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
