using System.Diagnostics;
using System.Globalization;
using System.Text;
using IggyAspire.Messaging.Pacing;
using IggyAspire.Messaging.Resilience;
using IggyAspire.Messaging.Telemetry;
using IggyAspire.Messaging.Topology;
using IggyAspire.Messaging.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Polly;

namespace IggyAspire.Messaging.Consuming;

/// <summary>
/// A member of the consumer group that polls every <see cref="IggyConsumerSettings.PollInterval"/> with strategy Next,
/// hands each message to the <see cref="IIggyMessageHandler{TMessage}"/>, and stores the offset only after the
/// batch's messages are handled: at least once. (Storing on poll, as the proof of concept did, loses the batch a crash
/// interrupts.) A payload that does not deserialize and a handler that throws are logged, counted and handled by
/// <see cref="IggyConsumerSettings.FailurePolicy"/>; no message and no failed poll stops the loop. On shutdown it stops
/// between messages and still stores the offset of those handled (within <see cref="ConsumerTimings.ShutdownGrace"/>).
/// </summary>
internal sealed partial class IggyConsumer<TMessage>
{
    /// <summary>The <c>error.type</c> of a message whose payload did not deserialize.</summary>
    public const string InvalidPayloadError = "invalid_payload";

    private readonly IIggyTransport _transport;
    private readonly IggyConsumerSettings _settings;
    private readonly IIggyMessageSerializer<TMessage> _serializer;
    private readonly IServiceScopeFactory _scopes;
    private readonly MessagingInstrumentation _instrumentation;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _stream;
    private readonly string _topic;
    private readonly string _group;
    private readonly string? _deadLetterTopic;
    private readonly ResiliencePipeline _retry;

    // A store refused because the partition moved to another member (or this one left the group) must not be retried:
    // a retry that lands after the partition came back would move the group's offset back over what the other member
    // committed, and that member's batches would be processed again (found by the simulation, seed 184). The new owner
    // polls from the stored offset anyway.
    private readonly ResiliencePipeline _storeRetry;
    private readonly TopologyInitializer? _topology;
    private readonly OwnedPartitionLag _lag;
    private bool _joined;

    public IggyConsumer(
        IIggyTransport transport,
        IggyConsumerSettings settings,
        IIggyMessageSerializer<TMessage> serializer,
        IServiceScopeFactory scopes,
        MessagingInstrumentation instrumentation,
        TimeProvider timeProvider,
        ILogger<IggyConsumer<TMessage>> logger)
    {
        settings.Validate();
        (_transport, _settings, _serializer, _scopes, _instrumentation, _timeProvider, _logger) = (transport, settings, serializer, scopes, instrumentation, timeProvider, logger);
        (_stream, _topic, _group) = (settings.Stream!, settings.Topic!, settings.ConsumerGroup!);
        _deadLetterTopic = settings.FailurePolicy == IggyFailurePolicy.DeadLetter ? settings.ResolvedDeadLetterTopic : null;
        _retry = TransientRetry.Create("Consuming messages", settings.Retry, timeProvider, logger);
        _storeRetry = TransientRetry.Create(
            "Storing the offset", settings.Retry, timeProvider, logger, isFinal: exception => exception is IggyStatusException { StatusCode: var code } && IggyErrorCodes.IsLostOwnership(code));
        _topology = settings.DisableTopologyCreation ? null : new TopologyInitializer(transport, settings.Retry, timeProvider, logger);
        _lag = new OwnedPartitionLag(transport, instrumentation, _stream, _topic, _group, timeProvider, logger);
    }

    /// <summary>Consumes until <paramref name="stoppingToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        if (_topology is not null)
        {
            await _topology.EnsureAsync(_stream, _topic, _settings.Partitions, _group, _deadLetterTopic, stoppingToken).ConfigureAwait(false);
        }

        LogStarting(_logger, _stream, _topic, _group, _settings.PollInterval);

        using var finishing = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _timeProvider);
        using var graceOnStop = stoppingToken.Register(() => finishing.CancelAfter(ConsumerTimings.ShutdownGrace));
        using var timer = new PeriodicTimer(_settings.PollInterval, _timeProvider);
        var failedPolls = 0;
        try
        {
            do
            {
                failedPolls = await PollOnceAsync(stoppingToken, finishing.Token).ConfigureAwait(false) ? 0 : failedPolls + 1;
                if (failedPolls > 0 && !await BackOffAsync(failedPolls, stoppingToken).ConfigureAwait(false))
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

    // finishingToken is cancelled ShutdownGrace after stoppingToken: it bounds storing the offset of handled messages.
    /// <returns>False when the poll failed (and was logged).</returns>
    internal async Task<bool> PollOnceAsync(CancellationToken stoppingToken, CancellationToken finishingToken)
    {
        PolledBatch batch;
        ActivityContext[] contexts;
        using (var receive = _instrumentation.StartReceive(_stream, _topic, _group, _transport.Server))
        {
            var started = _timeProvider.GetTimestamp();
            try
            {
                // Group membership lives on the connection: join again after any failure, which may have been a reconnect.
                if (!_joined)
                {
                    await _retry.ExecuteAsync(
                        static async (consumer, token) => await consumer._transport.JoinConsumerGroupAsync(consumer._stream, consumer._topic, consumer._group, token).ConfigureAwait(false),
                        this,
                        stoppingToken).ConfigureAwait(false);
                    _joined = true;
                    _lag.Forget();
                    LogJoined(_logger, _group);
                }

                batch = await _transport.PollNextAsync(_stream, _topic, _group, (uint)_settings.BatchSize, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // Rejoining: which partitions the member will own, and their lag, are unknown until it polls again.
                _joined = false;
                _lag.Forget();
                var errorType = exception.GetType().FullName ?? exception.GetType().Name;
                MessagingInstrumentation.SetError(receive, errorType, exception.Message);
                _instrumentation.RecordReceive(_stream, _topic, _group, _transport.Server, partitionId: null, 0, _timeProvider.GetElapsedTime(started), errorType);
                LogPollFailed(_logger, exception, _topic);
                return false;
            }
            catch (OperationCanceledException)
            {
                return true;
            }

            // An empty poll reports partition 0 (Apache.Iggy's PolledMessages.Empty): no partition served it.
            var partitionId = batch.Messages.Count == 0 ? (uint?)null : batch.PartitionId;
            _instrumentation.RecordReceive(_stream, _topic, _group, _transport.Server, partitionId, batch.Messages.Count, _timeProvider.GetElapsedTime(started), errorType: null);

            // Each message's creation context, read once: the receive span links to them, each process span is a child of its own.
            contexts = new ActivityContext[batch.Messages.Count];
            for (var i = 0; i < contexts.Length; i++)
            {
                contexts[i] = TraceContextPropagation.Extract(batch.Messages[i].Headers);
            }

            MessagingInstrumentation.LinkReceived(receive, batch.PartitionId, contexts);
        }

        if (batch.Messages.Count > 0)
        {
            _lag.Served(batch.PartitionId);
            ulong? handledUpTo = null;
            for (var i = 0; i < batch.Messages.Count && !stoppingToken.IsCancellationRequested; i++)
            {
                if (!await HandleAsync(batch.Messages[i], contexts[i], stoppingToken, finishingToken).ConfigureAwait(false))
                {
                    break;
                }

                handledUpTo = batch.Messages[i].Offset;
            }

            if (handledUpTo is { } offset)
            {
                await StoreOffsetAsync(batch.PartitionId, offset, finishingToken).ConfigureAwait(false);
            }
        }

        await _lag.RefreshIfDueAsync(stoppingToken).ConfigureAwait(false);
        return true;
    }

    /// <returns>
    /// False when the message is not done with: shutdown interrupted its handler, or parking it failed. The offset is
    /// then not stored past it, so it is delivered again.
    /// </returns>
    private async Task<bool> HandleAsync(ReceivedMessage message, ActivityContext producerContext, CancellationToken stoppingToken, CancellationToken finishingToken)
    {
        using var process = _instrumentation.StartProcess(_stream, _topic, _group, _transport.Server, producerContext, message.PartitionId, message.Offset, message.Id);
        var started = _timeProvider.GetTimestamp();
        string errorType;
        Exception failure;
        try
        {
            var body = _serializer.Deserialize(message.Payload);
            try
            {
                await using var scope = _scopes.CreateAsyncScope();
                var handler = scope.ServiceProvider.GetRequiredService<IIggyMessageHandler<TMessage>>();
                await handler.HandleAsync(new IggyMessage<TMessage>(body, message.Id, message.PartitionId, message.Offset, message.Timestamp, message.Headers), stoppingToken)
                    .ConfigureAwait(false);
                _instrumentation.RecordProcess(_stream, _topic, _group, _transport.Server, message.PartitionId, _timeProvider.GetElapsedTime(started), errorType: null, failureAction: null);
                return true;
            }
            catch (OperationCanceledException exception) when (stoppingToken.IsCancellationRequested)
            {
                var canceled = exception.GetType().FullName!;
                MessagingInstrumentation.SetError(process, canceled, "Shutdown interrupted the handler; the message is delivered again.");
                _instrumentation.RecordProcess(_stream, _topic, _group, _transport.Server, message.PartitionId, _timeProvider.GetElapsedTime(started), canceled, failureAction: null);
                return false;
            }
            catch (Exception exception)
            {
                errorType = exception.GetType().FullName ?? exception.GetType().Name;
                failure = exception;
                LogHandlerFailed(_logger, exception, message.PartitionId, message.Offset, PolicyName);
            }
        }
        catch (Exception exception)
        {
            // Whatever the serializer throws, the payload is not a TMessage: the policy decides.
            errorType = InvalidPayloadError;
            failure = exception;
            LogInvalidPayload(_logger, message.PartitionId, message.Offset, typeof(TMessage).Name, exception.Message, PolicyName);
        }

        MessagingInstrumentation.SetError(process, errorType, failure.Message);
        var parked = _deadLetterTopic is null || await DeadLetterAsync(message, errorType, failure, finishingToken).ConfigureAwait(false);
        _instrumentation.RecordProcess(_stream, _topic, _group, _transport.Server, message.PartitionId, _timeProvider.GetElapsedTime(started), errorType,
            failureAction: !parked ? null : _deadLetterTopic is null ? MessagingAttributes.SkipAction : MessagingAttributes.DeadLetterAction);
        return parked;
    }

    private string PolicyName => _deadLetterTopic is null ? "it is skipped" : $"it is parked in {_deadLetterTopic}";

    /// <summary>Sends the message's payload and headers, and why it failed, to the dead-letter topic; false when that failed too.</summary>
    private async Task<bool> DeadLetterAsync(ReceivedMessage message, string errorType, Exception failure, CancellationToken finishingToken)
    {
        var headers = new Dictionary<string, string>(message.Headers, StringComparer.Ordinal)
        {
            [IggyDeadLetterHeaders.Topic] = _topic,
            [IggyDeadLetterHeaders.PartitionId] = message.PartitionId.ToString(CultureInfo.InvariantCulture),
            [IggyDeadLetterHeaders.Offset] = message.Offset.ToString(CultureInfo.InvariantCulture),
            [IggyDeadLetterHeaders.ErrorType] = CutToHeaderLength(errorType),
            [IggyDeadLetterHeaders.ErrorMessage] = CutToHeaderLength(failure.Message),
        };

        // The process span is current: the parked message's trace context continues the failed one's trace.
        OutgoingMessage[] parked = [new(message.Id, message.Payload.ToArray(), headers)];
        try
        {
            await _retry.ExecuteAsync(
                static async (state, token) => await state.Consumer._transport.SendAsync(state.Consumer._stream, state.Consumer._deadLetterTopic!, state.Parked, token).ConfigureAwait(false),
                (Consumer: this, Parked: parked),
                finishingToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception exception)
        {
            LogDeadLetterFailed(_logger, exception, message.PartitionId, message.Offset, _deadLetterTopic!);
            return false;
        }
    }

    // Iggy header values are length-prefixed UTF-8 of at most 255 bytes.
    private static string CutToHeaderLength(string value)
    {
        const int MaxBytes = 255;
        if (Encoding.UTF8.GetByteCount(value) <= MaxBytes)
        {
            return value;
        }

        var length = Math.Min(value.Length, MaxBytes);
        while (Encoding.UTF8.GetByteCount(value.AsSpan(0, length)) > MaxBytes || (length > 0 && char.IsHighSurrogate(value[length - 1])))
        {
            length--;
        }

        return value[..length];
    }

    private async Task StoreOffsetAsync(uint partitionId, ulong offset, CancellationToken finishingToken)
    {
        try
        {
            await _storeRetry.ExecuteAsync(
                static async (state, token) => await state.Consumer._transport.StoreOffsetAsync(state.Consumer._stream, state.Consumer._topic, state.Consumer._group, state.PartitionId, state.Offset, token).ConfigureAwait(false),
                (Consumer: this, PartitionId: partitionId, Offset: offset),
                finishingToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // Not fatal, even when shutdown cut it short: the next Next poll (of this consumer or, after a restart or
            // rebalance, another) returns the batch again, which at-least-once allows.
            _joined = false;
            LogStoreFailed(_logger, exception, partitionId, offset);
        }
    }

    /// <summary>
    /// Waits longer after each failed poll in a row (twice the poll interval, then four times, up to
    /// <see cref="ConsumerTimings.MaxPollBackoff"/>), so an unreachable server is not polled and logged at full rate.
    /// </summary>
    /// <returns>False when shutdown began during the wait.</returns>
    private async Task<bool> BackOffAsync(int failedPolls, CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromTicks(Math.Min(_settings.PollInterval.Ticks * (1L << Math.Min(failedPolls, 16)), ConsumerTimings.MaxPollBackoff.Ticks));
        return await StoppableWait.DelayAsync(backoff, _timeProvider, stoppingToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consuming {Stream}/{Topic} in group {ConsumerGroup}, polling every {PollInterval}")]
    private static partial void LogStarting(ILogger logger, string stream, string topic, string consumerGroup, TimeSpan pollInterval);

    [LoggerMessage(Level = LogLevel.Information, Message = "Joined consumer group {ConsumerGroup}")]
    private static partial void LogJoined(ILogger logger, string consumerGroup);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The payload at partition {PartitionId} offset {Offset} is not a {MessageType} ({Reason}); {Policy}")]
    private static partial void LogInvalidPayload(ILogger logger, uint partitionId, ulong offset, string messageType, string reason, string policy);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling the message at partition {PartitionId} offset {Offset} failed; {Policy}")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, uint partitionId, ulong offset, string policy);

    [LoggerMessage(Level = LogLevel.Error, Message = "Parking the message at partition {PartitionId} offset {Offset} in {DeadLetterTopic} failed; it is delivered again")]
    private static partial void LogDeadLetterFailed(ILogger logger, Exception exception, uint partitionId, ulong offset, string deadLetterTopic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling {Topic} failed; polling again after a pause that doubles with each failure in a row")]
    private static partial void LogPollFailed(ILogger logger, Exception exception, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing offset {Offset} of partition {PartitionId} failed; the batch may be delivered again")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, uint partitionId, ulong offset);
}
