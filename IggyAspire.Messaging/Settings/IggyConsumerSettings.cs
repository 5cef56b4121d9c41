using IggyAspire.Messaging.Settings;

namespace IggyAspire.Messaging;

/// <summary>
/// Settings of a consumer-group member that hands each message to an <see cref="IIggyMessageHandler{TMessage}"/>,
/// bound from <see cref="DefaultConfigSectionName"/>; a reference to an Iggy consumer group from the AppHost fills
/// <see cref="Stream"/>, <see cref="Topic"/> and <see cref="ConsumerGroup"/>.
/// </summary>
public sealed class IggyConsumerSettings
{
    /// <summary>The configuration section the settings are read from.</summary>
    public const string DefaultConfigSectionName = "Aspire:Apache:Iggy:Consumer";

    /// <summary>The stream of the topic.</summary>
    public string? Stream { get; set; }

    /// <summary>The topic to consume.</summary>
    public string? Topic { get; set; }

    /// <summary>The consumer group whose members share the topic's partitions; the offset stored is the group's.</summary>
    public string? ConsumerGroup { get; set; }

    /// <summary>How many partitions the topic is created with when it is missing; an existing topic keeps its own.</summary>
    public uint Partitions { get; set; } = 1;

    /// <summary>Leaves out creating the stream, topic, group and dead-letter topic when they are missing.</summary>
    public bool DisableTopologyCreation { get; set; }

    /// <summary>Time between two polls (strategy Next) of the group's partitions.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The most messages one poll returns; the offset is stored once per batch, after its messages are handled.</summary>
    public int BatchSize { get; set; } = 10;

    /// <summary>What happens to a message that does not deserialize or whose handler throws.</summary>
    public IggyFailurePolicy FailurePolicy { get; set; } = IggyFailurePolicy.Skip;

    /// <summary>
    /// The topic, in the same stream, that <see cref="IggyFailurePolicy.DeadLetter"/> parks failed messages in;
    /// <c>{Topic}-dead-letter</c> when not set. It is created with one partition when missing.
    /// </summary>
    public string? DeadLetterTopic { get; set; }

    /// <summary>How a failed join, offset store or dead-letter send is tried again.</summary>
    public IggyRetrySettings Retry { get; set; } = new();

    /// <summary>The dead-letter topic's name: <see cref="DeadLetterTopic"/>, or <c>{Topic}-dead-letter</c>.</summary>
    public string ResolvedDeadLetterTopic => string.IsNullOrEmpty(DeadLetterTopic) ? $"{Topic}-dead-letter" : DeadLetterTopic;

    /// <summary>Fails naming every key whose value cannot work.</summary>
    /// <exception cref="InvalidOperationException">A setting is missing or out of range.</exception>
    public void Validate()
    {
        const string Section = DefaultConfigSectionName;
        var failures = new List<string>();
        SettingsRules.Name(failures, $"{Section}:Stream", Stream);
        SettingsRules.Name(failures, $"{Section}:Topic", Topic);
        SettingsRules.Name(failures, $"{Section}:ConsumerGroup", ConsumerGroup);
        SettingsRules.Partitions(failures, $"{Section}:Partitions", Partitions);
        SettingsRules.Duration(failures, $"{Section}:PollInterval", PollInterval, TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1));
        SettingsRules.Range(failures, $"{Section}:BatchSize", BatchSize, 1, 1000);
        if (!Enum.IsDefined(FailurePolicy))
        {
            failures.Add($"{Section}:FailurePolicy must be Skip or DeadLetter (was {FailurePolicy}).");
        }
        else if (FailurePolicy == IggyFailurePolicy.DeadLetter)
        {
            SettingsRules.Name(failures, $"{Section}:DeadLetterTopic", ResolvedDeadLetterTopic);
            if (ResolvedDeadLetterTopic == Topic)
            {
                failures.Add($"{Section}:DeadLetterTopic must not be the consumed topic '{Topic}'.");
            }
        }

        (Retry ?? new()).Validate(failures, Section);
        SettingsRules.ThrowIfAny(failures);
    }
}
