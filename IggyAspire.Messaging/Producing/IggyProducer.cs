using IggyAspire.Messaging.Producing;
using IggyAspire.Messaging.Resilience;
using IggyAspire.Messaging.Telemetry;
using IggyAspire.Messaging.Topology;
using IggyAspire.Messaging.Transport;
using Microsoft.Extensions.Logging;
using Polly;

namespace IggyAspire.Messaging;

/// <summary>
/// Sends messages of type <typeparamref name="TMessage"/> to one topic, balanced over its partitions: serialized by
/// the registered <see cref="IIggyMessageSerializer{TMessage}"/>, each send in a <c>send {topic}</c> span whose
/// trace context every message carries in its headers, counted and timed, and retried with backoff
/// (<see cref="IggyProducerSettings.Retry"/>). The stream and topic are created before the first send unless
/// <see cref="IggyProducerSettings.DisableTopologyCreation"/> is set. Safe to use from many threads.
/// </summary>
/// <typeparam name="TMessage">The application's message type.</typeparam>
public sealed class IggyProducer<TMessage>
{
    private readonly IIggyTransport _transport;
    private readonly IIggyMessageSerializer<TMessage> _serializer;
    private readonly MessagingInstrumentation _instrumentation;
    private readonly TimeProvider _timeProvider;
    private readonly ResiliencePipeline _retry;
    private readonly TopologyInitializer? _topology;
    private readonly uint _partitions;
    private readonly Lock _ensuring = new();
    private Task? _topologyEnsured;

    internal IggyProducer(
        IIggyTransport transport,
        IggyProducerSettings settings,
        IIggyMessageSerializer<TMessage> serializer,
        MessagingInstrumentation instrumentation,
        TimeProvider timeProvider,
        ILogger<IggyProducer<TMessage>> logger)
    {
        settings.Validate();
        _transport = transport;
        _serializer = serializer;
        _instrumentation = instrumentation;
        _timeProvider = timeProvider;
        Stream = settings.Stream!;
        Topic = settings.Topic!;
        _partitions = settings.Partitions;
        _retry = TransientRetry.Create($"Sending to {Stream}/{Topic}", settings.Retry, timeProvider, logger);
        _topology = settings.DisableTopologyCreation ? null : new TopologyInitializer(transport, settings.Retry, timeProvider, logger);
    }

    /// <summary>The stream of <see cref="Topic"/>.</summary>
    public string Stream { get; }

    /// <summary>The topic this producer sends to.</summary>
    public string Topic { get; }

    /// <summary>Sends one message with a new id.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> ended the wait; whether the server has the message is unknown.</exception>
    /// <exception cref="Exception">The send still failed after the retries (or the message did not serialize).</exception>
    public Task<IggySendResult> SendAsync(TMessage message, CancellationToken cancellationToken = default) =>
        SendCoreAsync([new OutgoingMessage(IggyMessageIds.New(), _serializer.Serialize(message))], cancellationToken);

    /// <summary>Sends one message with its own id or headers.</summary>
    /// <inheritdoc cref="SendAsync(TMessage, CancellationToken)" path="/exception" />
    public Task<IggySendResult> SendAsync(IggyOutgoingMessage<TMessage> message, CancellationToken cancellationToken = default) =>
        SendCoreAsync([ToOutgoing(message)], cancellationToken);

    /// <summary>Sends the messages in one request and one span, each with a new id: the cheapest way to send many.</summary>
    /// <inheritdoc cref="SendAsync(TMessage, CancellationToken)" path="/exception" />
    public Task<IggySendResult> SendBatchAsync(IReadOnlyList<TMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var outgoing = new OutgoingMessage[messages.Count];
        for (var i = 0; i < outgoing.Length; i++)
        {
            outgoing[i] = new OutgoingMessage(IggyMessageIds.New(), _serializer.Serialize(messages[i]));
        }

        return SendCoreAsync(outgoing, cancellationToken);
    }

    /// <summary>Sends the messages, each with its own id or headers, in one request and one span.</summary>
    /// <inheritdoc cref="SendAsync(TMessage, CancellationToken)" path="/exception" />
    public Task<IggySendResult> SendBatchAsync(IReadOnlyList<IggyOutgoingMessage<TMessage>> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var outgoing = new OutgoingMessage[messages.Count];
        for (var i = 0; i < outgoing.Length; i++)
        {
            outgoing[i] = ToOutgoing(messages[i]);
        }

        return SendCoreAsync(outgoing, cancellationToken);
    }

    /// <summary>
    /// The newest message of each partition the topic has on the server (retried like a send); payloads that do not
    /// deserialize are left out. Empty for an empty topic. Use it to continue a sequence of your own ids after a restart.
    /// </summary>
    public async Task<IReadOnlyList<IggyMessage<TMessage>>> ReadNewestAsync(CancellationToken cancellationToken = default)
    {
        await EnsureTopologyAsync(cancellationToken).ConfigureAwait(false);
        var newest = await _retry.ExecuteAsync(
            static async (state, token) => await state._transport.ReadLastMessagesAsync(state.Stream, state.Topic, token).ConfigureAwait(false),
            this,
            cancellationToken).ConfigureAwait(false);

        var messages = new List<IggyMessage<TMessage>>(newest.Count);
        foreach (var message in newest)
        {
            TMessage body;
            try
            {
                body = _serializer.Deserialize(message.Payload);
            }
            catch (Exception)
            {
                // Whatever the serializer throws, the payload is not a TMessage, so not one of ours.
                continue;
            }

            messages.Add(new IggyMessage<TMessage>(body, message.Id, message.PartitionId, message.Offset, message.Timestamp, message.Headers));
        }

        return messages;
    }

    private OutgoingMessage ToOutgoing(IggyOutgoingMessage<TMessage> message) =>
        new(message.Id == 0 ? IggyMessageIds.New() : message.Id, _serializer.Serialize(message.Body), message.Headers);

    private async Task<IggySendResult> SendCoreAsync(OutgoingMessage[] messages, CancellationToken cancellationToken)
    {
        if (messages.Length == 0)
        {
            throw new ArgumentException("A send needs at least one message.", nameof(messages));
        }

        await EnsureTopologyAsync(cancellationToken).ConfigureAwait(false);
        using var send = _instrumentation.StartSend(Stream, Topic, _transport.Server, messages.Length, messages[0].Id);
        var started = _timeProvider.GetTimestamp();
        try
        {
            // The state overload: no closure per send.
            await _retry.ExecuteAsync(
                static async (state, token) => await state.Producer._transport.SendAsync(state.Producer.Stream, state.Producer.Topic, state.Messages, token).ConfigureAwait(false),
                (Producer: this, Messages: messages),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            var errorType = exception.GetType().FullName ?? exception.GetType().Name;
            MessagingInstrumentation.SetError(send, errorType, exception.Message);
            _instrumentation.RecordSend(Stream, Topic, _transport.Server, messages.Length, _timeProvider.GetElapsedTime(started), errorType);
            throw;
        }

        _instrumentation.RecordSend(Stream, Topic, _transport.Server, messages.Length, _timeProvider.GetElapsedTime(started), errorType: null);
        return new IggySendResult(messages.Length, send?.TraceId ?? default);
    }

    // One creation for every caller: it runs to its end whatever a caller's token does (an Iggy call in flight is
    // never cancelled), and a failed one is started again by the next send.
    private Task EnsureTopologyAsync(CancellationToken cancellationToken)
    {
        if (_topology is null)
        {
            return Task.CompletedTask;
        }

        Task ensured;
        lock (_ensuring)
        {
            if (_topologyEnsured is null || _topologyEnsured.IsFaulted || _topologyEnsured.IsCanceled)
            {
                _topologyEnsured = _topology.EnsureAsync(Stream, Topic, _partitions, consumerGroup: null, deadLetterTopic: null, CancellationToken.None);
            }

            ensured = _topologyEnsured;
        }

        return ensured.IsCompletedSuccessfully ? Task.CompletedTask : ensured.WaitAsync(cancellationToken);
    }
}
