using Microsoft.Extensions.Options;

namespace IggyAspire.Messaging.Options;

/// <summary>Validates <see cref="TopologyOptions"/>.</summary>
internal sealed class TopologyOptionsValidator : IValidateOptions<TopologyOptions>
{
    // Iggy 0.8.0 refuses topics with more partitions than this.
    private const uint MaxPartitions = 1000;

    public ValidateOptionsResult Validate(string? name, TopologyOptions options)
    {
        const string Section = TopologyOptions.SectionName;
        var failures = new List<string>();
        OptionsRules.Name(failures, $"{Section}:Stream", options.Stream);
        OptionsRules.Name(failures, $"{Section}:Topic", options.Topic);
        OptionsRules.Name(failures, $"{Section}:ConsumerGroup", options.ConsumerGroup);
        OptionsRules.Range(failures, $"{Section}:Partitions", options.Partitions, 1, MaxPartitions);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

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

/// <summary>Validates <see cref="ConsumerOptions"/>.</summary>
internal sealed class ConsumerOptionsValidator : IValidateOptions<ConsumerOptions>
{
    public ValidateOptionsResult Validate(string? name, ConsumerOptions options)
    {
        const string Section = ConsumerOptions.SectionName;
        var failures = new List<string>();
        OptionsRules.Duration(failures, $"{Section}:PollInterval", options.PollInterval, TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1));
        OptionsRules.Range(failures, $"{Section}:BatchSize", options.BatchSize, 1, 1000);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
