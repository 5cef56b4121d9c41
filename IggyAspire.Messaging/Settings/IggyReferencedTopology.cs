using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace IggyAspire.Messaging.Settings;

/// <summary>
/// The names an AppHost hands a service with a reference to an Iggy topic or consumer group
/// (<c>WithReference(topic, "iggy")</c>): Aspire writes each connection property as <c>{NAME}_{PROPERTY}</c>, so the
/// connection <c>iggy</c> brings <c>IGGY_STREAM</c>, <c>IGGY_TOPIC</c>, <c>IGGY_PARTITIONS</c> (the declared count, to
/// create the topic with where the AppHost does not) and, from a group, <c>IGGY_CONSUMERGROUP</c>. They win over the
/// configuration section: they name what the AppHost created and the service waited for.
/// </summary>
internal sealed record IggyReferencedTopology(string? Stream, string? Topic, uint? Partitions, string? ConsumerGroup)
{
    public static IggyReferencedTopology Read(IConfiguration configuration, string connectionName)
    {
        var prefix = EnvironmentPrefix(connectionName);
        return new IggyReferencedTopology(
            NonEmpty(configuration[$"{prefix}_STREAM"]),
            NonEmpty(configuration[$"{prefix}_TOPIC"]),
            uint.TryParse(configuration[$"{prefix}_PARTITIONS"], NumberStyles.None, CultureInfo.InvariantCulture, out var partitions) ? partitions : null,
            NonEmpty(configuration[$"{prefix}_CONSUMERGROUP"]));
    }

    public void ApplyTo(IggyProducerSettings settings)
    {
        settings.Stream = Stream ?? settings.Stream;
        settings.Topic = Topic ?? settings.Topic;
        settings.Partitions = Partitions ?? settings.Partitions;
    }

    public void ApplyTo(IggyConsumerSettings settings)
    {
        settings.Stream = Stream ?? settings.Stream;
        settings.Topic = Topic ?? settings.Topic;
        settings.Partitions = Partitions ?? settings.Partitions;
        settings.ConsumerGroup = ConsumerGroup ?? settings.ConsumerGroup;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    // As Aspire encodes a connection name into a variable name (src/Shared/EnvironmentVariableNameEncoder.cs, then
    // upper-cased in ResourceBuilderExtensions' connection-property callback): a character that is not an ASCII
    // letter, digit or '_' becomes '_', and a leading digit gets a '_' in front.
    private static string EnvironmentPrefix(string connectionName)
    {
        var encoded = string.Concat(connectionName.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_'));
        return (char.IsAsciiDigit(encoded[0]) ? "_" + encoded : encoded).ToUpperInvariant();
    }
}
