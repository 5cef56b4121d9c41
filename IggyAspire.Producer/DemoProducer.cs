using System.Diagnostics;
using IggyAspire.Messaging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IggyAspire.Producer;

/// <summary>
/// Sends <see cref="DemoProducerOptions.BatchSize"/> <see cref="DemoMessage"/>s every <see cref="DemoProducerOptions.Interval"/>
/// through the package's <see cref="IggyProducer{TMessage}"/>. Ids continue after the highest already in the topic, so
/// they stay unique across restarts. A send that still fails after the producer's retries is logged and sent again,
/// with the same ids, on the next tick, so no message is dropped or skipped. On shutdown the send in flight is given
/// <see cref="ShutdownGrace"/> to finish.
/// </summary>
internal sealed partial class DemoProducer(
    IggyProducer<DemoMessage> producer,
    IOptions<DemoProducerOptions> options,
    TimeProvider timeProvider,
    ILogger<DemoProducer> logger) : BackgroundService
{
    /// <summary>How long a send in flight may still take once shutdown began.</summary>
    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(10);

    /// <summary>Sends until <paramref name="stoppingToken"/> is cancelled, then finishes the send in flight.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var newest = await producer.ReadNewestAsync(stoppingToken).ConfigureAwait(false);
        var nextId = newest.Count == 0 ? 1 : newest.Max(message => message.Body.Id) + 1;
        LogStarting(logger, producer.Stream, producer.Topic, nextId, settings.BatchSize, settings.Interval);

        using var inFlight = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
        using var graceOnStop = stoppingToken.Register(() => inFlight.CancelAfter(ShutdownGrace));
        using var timer = new PeriodicTimer(settings.Interval, timeProvider);
        try
        {
            do
            {
                nextId = await SendBatchAsync(settings, nextId, inFlight.Token).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => RunAsync(stoppingToken);

    /// <returns>The next id to use: past this batch when it was sent, this batch's first id when it was not.</returns>
    private async Task<long> SendBatchAsync(DemoProducerOptions settings, long firstId, CancellationToken cancellationToken)
    {
        // Microseconds, as ts is written: the timestamp a consumer reads back is the one created.
        var now = timeProvider.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
        var batch = new IggyOutgoingMessage<DemoMessage>[settings.BatchSize];
        for (var i = 0; i < batch.Length; i++)
        {
            var id = firstId + i;
            batch[i] = new IggyOutgoingMessage<DemoMessage>(new DemoMessage(id, settings.Text, now)) { Id = (UInt128)id };
        }

        var lastId = firstId + batch.Length - 1;
        IggySendResult sent;
        try
        {
            sent = await producer.SendBatchAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Only shutdown cancels a send, and only after ShutdownGrace: whether Iggy got the batch is unknown.
            LogSendAbandoned(logger, firstId, lastId, producer.Topic, ShutdownGrace);
            return firstId;
        }
        catch (Exception exception)
        {
            LogSendFailed(logger, exception, firstId, lastId, producer.Topic);
            return firstId;
        }

        if (batch.Length == 1)
        {
            LogSent(logger, firstId, producer.Stream, producer.Topic, sent.TraceId);
        }
        else
        {
            LogSentBatch(logger, batch.Length, firstId, lastId, producer.Stream, producer.Topic, sent.TraceId);
        }

        return lastId + 1;
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
