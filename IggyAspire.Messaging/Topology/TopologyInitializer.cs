using IggyAspire.Messaging.Resilience;
using IggyAspire.Messaging.Transport;
using Microsoft.Extensions.Logging;
using Polly;

namespace IggyAspire.Messaging.Topology;

/// <summary>
/// Makes sure a producer's or consumer's stream, topics and group exist. Producers and consumers run it at start;
/// whichever gets there first creates, the others find them there: "already exists" is success, so the race between
/// them is harmless.
/// </summary>
internal sealed partial class TopologyInitializer(IIggyTransport transport, IggyRetrySettings retry, TimeProvider timeProvider, ILogger logger)
{
    private readonly ResiliencePipeline _retry = TransientRetry.Create("Creating the Iggy topology", retry, timeProvider, logger);

    /// <summary>Ensures the stream, each topic (created with <paramref name="partitions"/> partitions, a dead-letter topic with one) and the group, if any.</summary>
    public async Task EnsureAsync(string stream, string topic, uint partitions, string? consumerGroup, string? deadLetterTopic, CancellationToken cancellationToken)
    {
        await _retry.ExecuteAsync(async token =>
        {
            Report("stream", stream, await transport.CreateStreamAsync(stream, token).ConfigureAwait(false));
            Report("topic", $"{stream}/{topic}", await transport.CreateTopicAsync(stream, topic, partitions, token).ConfigureAwait(false));
            if (consumerGroup is not null)
            {
                Report("consumer group", consumerGroup, await transport.CreateConsumerGroupAsync(stream, topic, consumerGroup, token).ConfigureAwait(false));
            }

            if (deadLetterTopic is not null)
            {
                Report("dead-letter topic", $"{stream}/{deadLetterTopic}", await transport.CreateTopicAsync(stream, deadLetterTopic, 1, token).ConfigureAwait(false));
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
