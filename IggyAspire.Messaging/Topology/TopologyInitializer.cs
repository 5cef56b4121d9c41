using IggyAspire.Messaging.Options;
using IggyAspire.Messaging.Resilience;
using IggyAspire.Messaging.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace IggyAspire.Messaging.Topology;

/// <summary>
/// Makes sure the stream, the topic and (for consumers) the consumer group exist. Both workers run it at start;
/// whichever gets there first creates, the other finds them there: "already exists" is success, so the race between
/// them is harmless.
/// </summary>
public sealed partial class TopologyInitializer(
    IIggyTransport transport,
    IOptions<TopologyOptions> options,
    TimeProvider timeProvider,
    ILogger<TopologyInitializer> logger)
{
    private readonly ResiliencePipeline _retry = TransientRetry.Create("Creating the Iggy topology", timeProvider, logger);

    /// <summary>Ensures the stream and topic, and the consumer group when <paramref name="includeConsumerGroup"/>.</summary>
    public async Task EnsureAsync(bool includeConsumerGroup, CancellationToken cancellationToken)
    {
        var topology = options.Value;
        await _retry.ExecuteAsync(async token =>
        {
            Report("stream", topology.Stream, await transport.CreateStreamAsync(topology.Stream, token).ConfigureAwait(false));
            Report("topic", $"{topology.Stream}/{topology.Topic}",
                await transport.CreateTopicAsync(topology.Stream, topology.Topic, topology.Partitions, token).ConfigureAwait(false));
            if (includeConsumerGroup)
            {
                Report("consumer group", topology.ConsumerGroup,
                    await transport.CreateConsumerGroupAsync(topology.Stream, topology.Topic, topology.ConsumerGroup, token).ConfigureAwait(false));
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    private void Report(string kind, string name, bool created)
    {
        if (created)
        {
            LogCreated(logger, kind, name);
        }
        else
        {
            LogExisted(logger, kind, name);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created {Kind} '{Name}'")]
    private static partial void LogCreated(ILogger logger, string kind, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Found {Kind} '{Name}' already there")]
    private static partial void LogExisted(ILogger logger, string kind, string name);
}
