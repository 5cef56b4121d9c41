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

namespace IggyAspire.Messaging.Consuming;

/// <summary>
/// A member of the consumer group that polls every <see cref="ConsumerOptions.PollInterval"/> with strategy Next and
/// stores the offset only after the batch is processed: at-least-once. (The seeds auto-committed on poll, which loses
/// the batch a crash interrupts.) A payload that is not a <see cref="DemoMessage"/> is logged, counted and skipped;
/// no message and no failed poll stops the loop. On shutdown, the offset of a batch already processed is still stored
/// (within <see cref="ShutdownGrace"/>), so a restart does not process it again.
/// </summary>
public sealed partial class MessageConsumer(
    IIggyTransport transport,
    TopologyInitializer topology,
    IOptions<TopologyOptions> topologyOptions,
    IOptions<ConsumerOptions> consumerOptions,
    MessagingInstrumentation instrumentation,
    TimeProvider timeProvider,
    ILogger<MessageConsumer> logger)
{
    /// <summary>The <c>error.type</c> of a message whose payload is not a <see cref="DemoMessage"/>.</summary>
    public const string InvalidPayloadError = "invalid_payload";

    /// <summary>How long storing the offset of a processed batch may still take once shutdown began.</summary>
    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(10);

    /// <summary>How often the lag gauge's partitions and offsets are read again (three or more calls each time).</summary>
    public static readonly TimeSpan LagRefreshInterval = TimeSpan.FromSeconds(5);

    /// <summary>The longest pause after failed polls; the pause doubles from the poll interval with each failure in a row.</summary>
    public static readonly TimeSpan MaxPollBackoff = TimeSpan.FromSeconds(30);

    private readonly ResiliencePipeline _retry = TransientRetry.Create("Consuming messages", timeProvider, logger);

    // A store refused because the partition moved to another member (or this one left the group) must not be retried:
    // a retry that lands after the partition came back would move the group's offset back over what the other member
    // committed, and that member's batches would be processed again (found by the simulation, seed 184). The new owner
    // polls from the stored offset anyway.
    private readonly ResiliencePipeline _storeRetry = TransientRetry.Create(
        "Storing the offset", timeProvider, logger, isFinal: exception => exception is IggyStatusException { StatusCode: var code } && IggyErrorCodes.IsLostOwnership(code));
    private readonly OwnedPartitionLag _lag = new(transport, instrumentation, topologyOptions.Value, timeProvider, logger);
    private bool _joined;

    /// <summary>Consumes until <paramref name="stoppingToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var topic = topologyOptions.Value;
        var options = consumerOptions.Value;
        await topology.EnsureAsync(includeConsumerGroup: true, stoppingToken).ConfigureAwait(false);
        LogStarting(logger, topic.ConsumerGroup, topic.Stream, topic.Topic, options.PollInterval);

        using var finishing = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
        using var graceOnStop = stoppingToken.Register(() => finishing.CancelAfter(ShutdownGrace));
        using var timer = new PeriodicTimer(options.PollInterval, timeProvider);
        var failedPolls = 0;
        try
        {
            do
            {
                failedPolls = await PollOnceAsync(topic, (uint)options.BatchSize, stoppingToken, finishing.Token).ConfigureAwait(false) ? 0 : failedPolls + 1;
                if (failedPolls > 0 && !await BackOffAsync(options.PollInterval, failedPolls, stoppingToken).ConfigureAwait(false))
                {
                    break;
                }
            }
            while (await StoppableWait.NextTickAsync(timer, stoppingToken).ConfigureAwait(false));
        }
        finally
        {
            // A member that stopped owns nothing: its process may live on, and must not report its last lag for good.
            _lag.Forget();
        }
    }

    // finishingToken is cancelled ShutdownGrace after stoppingToken: it bounds storing the offset of a processed batch.
    /// <returns>False when the poll failed (and was logged).</returns>
    private async Task<bool> PollOnceAsync(TopologyOptions topic, uint batchSize, CancellationToken stoppingToken, CancellationToken finishingToken)
    {
        PolledBatch batch;
        using (var receive = instrumentation.StartReceive(topic.Stream, topic.Topic, topic.ConsumerGroup, transport.Server))
        {
            var started = timeProvider.GetTimestamp();
            try
            {
                // Group membership lives on the connection: join again after any failure, which may have been a reconnect.
                if (!_joined)
                {
                    await _retry.ExecuteAsync(
                        async token => await transport.JoinConsumerGroupAsync(topic.Stream, topic.Topic, topic.ConsumerGroup, token).ConfigureAwait(false),
                        stoppingToken).ConfigureAwait(false);
                    _joined = true;
                    _lag.Forget();
                    LogJoined(logger, topic.ConsumerGroup);
                }

                batch = await transport.PollNextAsync(topic.Stream, topic.Topic, topic.ConsumerGroup, batchSize, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // Rejoining: which partitions the member will own, and their lag, are unknown until it polls again.
                _joined = false;
                _lag.Forget();
                var errorType = exception.GetType().FullName ?? exception.GetType().Name;
                MessagingInstrumentation.SetError(receive, errorType, exception.Message);
                instrumentation.RecordReceive(topic.Stream, topic.Topic, topic.ConsumerGroup, transport.Server, partitionId: null, 0, timeProvider.GetElapsedTime(started), errorType);
                LogPollFailed(logger, exception, topic.Topic);
                return false;
            }
            catch (OperationCanceledException)
            {
                return true;
            }

            // An empty poll reports partition 0 (Apache.Iggy's PolledMessages.Empty): no partition served it.
            var partitionId = batch.Messages.Count == 0 ? (uint?)null : batch.PartitionId;
            instrumentation.RecordReceive(topic.Stream, topic.Topic, topic.ConsumerGroup, transport.Server, partitionId, batch.Messages.Count, timeProvider.GetElapsedTime(started), errorType: null);
            MessagingInstrumentation.LinkReceived(receive, batch.PartitionId, batch.Messages.Select(message => TraceContextPropagation.Extract(message.Headers)));
        }

        if (batch.Messages.Count > 0)
        {
            _lag.Served(batch.PartitionId);
            foreach (var message in batch.Messages)
            {
                Process(topic, message);
            }

            await StoreOffsetAsync(topic, batch.PartitionId, batch.Messages[^1].Offset, finishingToken).ConfigureAwait(false);
        }

        await _lag.RefreshIfDueAsync(stoppingToken).ConfigureAwait(false);
        return true;
    }

    private void Process(TopologyOptions topic, ReceivedMessage message)
    {
        var producerContext = TraceContextPropagation.Extract(message.Headers);
        using var process = instrumentation.StartProcess(topic.Stream, topic.Topic, topic.ConsumerGroup, transport.Server, producerContext, message.PartitionId, message.Offset, message.Id);
        var traceId = process?.TraceId ?? producerContext.TraceId;
        var started = timeProvider.GetTimestamp();
        string? errorType = null;
        try
        {
            if (DemoMessageSerializer.TryDeserialize(message.Payload.Span, out var demo, out var error))
            {
                LogConsumed(logger, demo.Id, demo.Text, message.PartitionId, message.Offset, traceId);
            }
            else
            {
                errorType = InvalidPayloadError;
                MessagingInstrumentation.SetError(process, errorType, error);
                LogInvalidPayload(logger, message.PartitionId, message.Offset, error);
            }
        }
        catch (Exception exception)
        {
            errorType = exception.GetType().FullName ?? exception.GetType().Name;
            MessagingInstrumentation.SetError(process, errorType, exception.Message);
            LogProcessFailed(logger, exception, message.PartitionId, message.Offset);
        }

        instrumentation.RecordProcess(topic.Stream, topic.Topic, topic.ConsumerGroup, transport.Server, message.PartitionId, timeProvider.GetElapsedTime(started), errorType);
    }

    private async Task StoreOffsetAsync(TopologyOptions topic, uint partitionId, ulong offset, CancellationToken finishingToken)
    {
        try
        {
            await _storeRetry.ExecuteAsync(
                async token => await transport.StoreOffsetAsync(topic.Stream, topic.Topic, topic.ConsumerGroup, partitionId, offset, token).ConfigureAwait(false),
                finishingToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // Not fatal, even when shutdown cut it short: the next Next poll (of this consumer or, after a restart or
            // rebalance, another) returns the batch again, which at-least-once allows.
            _joined = false;
            LogStoreFailed(logger, exception, partitionId, offset);
        }
    }

    /// <summary>
    /// Waits longer after each failed poll in a row (twice the poll interval, then four times, up to
    /// <see cref="MaxPollBackoff"/>), so an unreachable server is not polled and logged at full rate.
    /// </summary>
    /// <returns>False when shutdown began during the wait.</returns>
    private async Task<bool> BackOffAsync(TimeSpan pollInterval, int failedPolls, CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromTicks(Math.Min(pollInterval.Ticks * (1L << Math.Min(failedPolls, 16)), MaxPollBackoff.Ticks));
        return await StoppableWait.DelayAsync(backoff, timeProvider, stoppingToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consuming {Stream}/{Topic} in group {ConsumerGroup}, polling every {PollInterval}")]
    private static partial void LogStarting(ILogger logger, string consumerGroup, string stream, string topic, TimeSpan pollInterval);

    [LoggerMessage(Level = LogLevel.Information, Message = "Joined consumer group {ConsumerGroup}")]
    private static partial void LogJoined(ILogger logger, string consumerGroup);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consumed message {MessageId} '{Text}' from partition {PartitionId} at offset {Offset} (trace {TraceId})")]
    private static partial void LogConsumed(ILogger logger, long messageId, string text, uint partitionId, ulong offset, ActivityTraceId traceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped the message at partition {PartitionId} offset {Offset}: its payload is not a DemoMessage ({Reason})")]
    private static partial void LogInvalidPayload(ILogger logger, uint partitionId, ulong offset, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Processing the message at partition {PartitionId} offset {Offset} failed; it is skipped")]
    private static partial void LogProcessFailed(ILogger logger, Exception exception, uint partitionId, ulong offset);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling {Topic} failed; polling again after a pause that doubles with each failure in a row")]
    private static partial void LogPollFailed(ILogger logger, Exception exception, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing offset {Offset} of partition {PartitionId} failed; the batch may be delivered again")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, uint partitionId, ulong offset);
}
