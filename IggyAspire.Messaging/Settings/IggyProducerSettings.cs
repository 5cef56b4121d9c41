using IggyAspire.Messaging.Settings;

namespace IggyAspire.Messaging;

/// <summary>
/// Settings of an <see cref="IggyProducer{TMessage}"/>, bound from <see cref="DefaultConfigSectionName"/>; a
/// reference to an Iggy topic from the AppHost fills <see cref="Stream"/> and <see cref="Topic"/>.
/// </summary>
public sealed class IggyProducerSettings
{
    /// <summary>The configuration section the settings are read from.</summary>
    public const string DefaultConfigSectionName = "Aspire:Apache:Iggy:Producer";

    /// <summary>The stream of the topic the producer sends to.</summary>
    public string? Stream { get; set; }

    /// <summary>The topic the producer sends to; messages are balanced over its partitions.</summary>
    public string? Topic { get; set; }

    /// <summary>How many partitions the topic is created with when it is missing; an existing topic keeps its own.</summary>
    public uint Partitions { get; set; } = 1;

    /// <summary>
    /// Leaves out creating the stream and topic before the first send; turn it on where the producer's user may not
    /// create them, or where the AppHost already did.
    /// </summary>
    public bool DisableTopologyCreation { get; set; }

    /// <summary>How a failed send is tried again before <see cref="IggyProducer{TMessage}"/> gives the failure to the caller.</summary>
    public IggyRetrySettings Retry { get; set; } = new();

    /// <summary>Fails naming every key whose value cannot work.</summary>
    /// <exception cref="InvalidOperationException">A setting is missing or out of range.</exception>
    public void Validate()
    {
        const string Section = DefaultConfigSectionName;
        var failures = new List<string>();
        SettingsRules.Name(failures, $"{Section}:Stream", Stream);
        SettingsRules.Name(failures, $"{Section}:Topic", Topic);
        SettingsRules.Partitions(failures, $"{Section}:Partitions", Partitions);
        (Retry ?? new()).Validate(failures, Section);
        SettingsRules.ThrowIfAny(failures);
    }
}
