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
