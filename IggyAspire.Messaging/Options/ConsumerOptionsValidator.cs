using Microsoft.Extensions.Options;

namespace IggyAspire.Messaging.Options;

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
