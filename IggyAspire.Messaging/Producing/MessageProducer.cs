using System.Diagnostics;
using IggyAspire.Messaging.Contract;
using IggyAspire.Messaging.Options;
using IggyAspire.Messaging.Pacing;
using IggyAspire.Messaging.Resilience;
using IggyAspire.Messaging.Telemetry;
using IggyAspire.Messaging.Topology;
using IggyAspire.Messaging.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace IggyAspire.Messaging.Producing;

/// <summary>
/// Sends <see cref="ProducerOptions.BatchSize"/> <see cref="DemoMessage"/>s every <see cref="ProducerOptions.Interval"/>.
/// A failed send is retried with backoff; one that still fails is logged and sent again, with the same ids, on the
/// next tick, so no message is dropped or skipped. On shutdown the send in flight is given
/// <see cref="ShutdownGrace"/> to finish.
/// </summary>
public sealed partial class MessageProducer(
    IIggyTransport transport,
    TopologyInitializer topology,
    IOptions<TopologyOptions> topologyOptions,
    IOptions<ProducerOptions> producerOptions,
    MessagingInstrumentation instrumentation,
    TimeProvider timeProvider,
    ILogger<MessageProducer> logger)
{
    /// <summary>How long a send in flight may still take once shutdown began.</summary>
    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(10);

    private readonly ResiliencePipeline _retry = TransientRetry.Create("Sending messages", timeProvider, logger);

    /// <summary>Sends until <paramref name="stoppingToken"/> is cancelled, then finishes the send in flight.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var topic = topologyOptions.Value;
        var options = producerOptions.Value;
        await topology.EnsureAsync(includeConsumerGroup: false, stoppingToken).ConfigureAwait(false);
        var nextId = await FindNextIdAsync(topic, stoppingToken).ConfigureAwait(false);
        LogStarting(logger, topic.Stream, topic.Topic, nextId, options.BatchSize, options.Interval);

        using var inFlight = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
        using var graceOnStop = stoppingToken.Register(() => inFlight.CancelAfter(ShutdownGrace));
        using var timer = new PeriodicTimer(options.Interval, timeProvider);
        do
        {
            nextId = await SendBatchAsync(topic, options, nextId, inFlight.Token).ConfigureAwait(false);
        }
        while (await StoppableWait.NextTickAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Ids continue after the highest id already in the topic rather than restarting at 1 (as the seeds did), so they
    /// stay unique across producer restarts and a consumer can tell a redelivery from a new message.
    /// </summary>
    private async Task<long> FindNextIdAsync(TopologyOptions topic, CancellationToken cancellationToken)
    {
        var last = await _retry.ExecuteAsync(
            async token => await transport.ReadLastMessagesAsync(topic.Stream, topic.Topic, token).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);

        var highest = 0L;
        foreach (var message in last)
        {
            if (DemoMessageSerializer.TryDeserialize(message.Payload.Span, out var demo, out _))
            {
                highest = Math.Max(highest, demo.Id);
            }
        }

        return highest + 1;
    }

    /// <returns>The next id to use: past this batch when it was sent, this batch's first id when it was not.</returns>
    private async Task<long> SendBatchAsync(TopologyOptions topic, ProducerOptions options, long firstId, CancellationToken cancellationToken)
    {
        var ids = new long[options.BatchSize];
        var messages = new OutgoingMessage[options.BatchSize];
        var now = timeProvider.GetUtcNow();
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = firstId + i;
            messages[i] = new OutgoingMessage((UInt128)ids[i], DemoMessageSerializer.Serialize(new DemoMessage(ids[i], options.Text, now)));
        }

        using var send = instrumentation.StartSend(topic.Stream, topic.Topic, transport.Server, ids);
        var traceId = send?.TraceId ?? default;
        var started = timeProvider.GetTimestamp();
        try
        {
            await _retry.ExecuteAsync(
                async token => await transport.SendAsync(topic.Stream, topic.Topic, messages, token).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            var errorType = exception.GetType().FullName ?? exception.GetType().Name;
            MessagingInstrumentation.SetError(send, errorType, exception.Message);
            instrumentation.RecordSend(topic.Stream, topic.Topic, transport.Server, ids.Length, timeProvider.GetElapsedTime(started), errorType);
            if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                // Only shutdown cancels a send, and only after ShutdownGrace: whether Iggy got the batch is unknown.
                LogSendAbandoned(logger, ids[0], ids[^1], topic.Topic, ShutdownGrace);
            }
            else
            {
                LogSendFailed(logger, exception, ids[0], ids[^1], topic.Topic);
            }

            return firstId;
        }

        instrumentation.RecordSend(topic.Stream, topic.Topic, transport.Server, ids.Length, timeProvider.GetElapsedTime(started), errorType: null);
        if (ids.Length == 1)
        {
            LogSent(logger, ids[0], topic.Stream, topic.Topic, traceId);
        }
        else
        {
            LogSentBatch(logger, ids.Length, ids[0], ids[^1], topic.Stream, topic.Topic, traceId);
        }

        return firstId + ids.Length;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Producing to {Stream}/{Topic} from id {NextId}: {BatchSize} message(s) every {Interval}")]
    private static partial void LogStarting(ILogger logger, string stream, string topic, long nextId, int batchSize, TimeSpan interval);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent message {MessageId} to {Stream}/{Topic} (trace {TraceId})")]
    private static partial void LogSent(ILogger logger, long messageId, string stream, string topic, ActivityTraceId traceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent {Count} messages {FirstId}..{LastId} to {Stream}/{Topic} (trace {TraceId})")]
    private static partial void LogSentBatch(ILogger logger, int count, long firstId, long lastId, string stream, string topic, ActivityTraceId traceId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Shutdown gave up sending messages {FirstId}..{LastId} to {Topic} after waiting {ShutdownGrace}; Iggy may or may not have them")]
    private static partial void LogSendAbandoned(ILogger logger, long firstId, long lastId, string topic, TimeSpan shutdownGrace);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not send messages {FirstId}..{LastId} to {Topic} after retries; they are sent again on the next tick")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, long firstId, long lastId, string topic);
}
