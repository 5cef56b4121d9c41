using IggyAspire.Messaging.Options;
using Microsoft.Extensions.Configuration;

namespace IggyAspire.Client;

/// <summary>
/// The names an AppHost hands a worker with a reference to an Iggy topic or consumer group
/// (<c>WithReference(topic, "iggy")</c>): Aspire writes each connection property as <c>{NAME}_{PROPERTY}</c>, so the
/// connection <c>iggy</c> brings <c>IGGY_STREAM</c>, <c>IGGY_TOPIC</c> and, from a group, <c>IGGY_CONSUMERGROUP</c>.
/// They win over <c>Iggy:Topology</c>: they name what the AppHost created and the worker waited for.
/// </summary>
internal static class IggyReferencedTopology
{
    public static void Apply(IConfiguration configuration, string connectionName, TopologyOptions topology)
    {
        var prefix = EnvironmentPrefix(connectionName);
        if (configuration[$"{prefix}_STREAM"] is { Length: > 0 } stream)
        {
            topology.Stream = stream;
        }

        if (configuration[$"{prefix}_TOPIC"] is { Length: > 0 } topic)
        {
            topology.Topic = topic;
        }

        if (configuration[$"{prefix}_CONSUMERGROUP"] is { Length: > 0 } group)
        {
            topology.ConsumerGroup = group;
        }
    }

    // As Aspire encodes a connection name into a variable name (src/Shared/EnvironmentVariableNameEncoder.cs, then
    // upper-cased in ResourceBuilderExtensions' connection-property callback): a character that is not an ASCII
    // letter, digit or '_' becomes '_', and a leading digit gets a '_' in front.
    private static string EnvironmentPrefix(string connectionName)
    {
        var encoded = string.Concat(connectionName.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_'));
        return (char.IsAsciiDigit(encoded[0]) ? "_" + encoded : encoded).ToUpperInvariant();
    }
}
