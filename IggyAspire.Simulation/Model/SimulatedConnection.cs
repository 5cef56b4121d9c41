using IggyAspire.Messaging.Connection;
using IggyAspire.Messaging.Contract;
using IggyAspire.Messaging.Transport;
using IggyAspire.Simulation.Faults;

namespace IggyAspire.Simulation.Model;

/// <summary>
/// One client's connection to the <see cref="SimulatedIggyServer"/>, as the core sees it through
/// <see cref="IIggyTransport"/>. Each call takes a request leg and an answer leg on the clock, and the fault schedule
/// may lose either: a lost request changed nothing, a lost answer leaves the caller not knowing. A connection the
/// server closed (a drop, a restart) fails the call in flight and connects again as a new client on the next call,
/// as Apache.Iggy reconnects; the group membership stays behind with the old client. A killed connection is a crashed
/// process: its calls never complete.
/// </summary>
internal sealed class SimulatedConnection(SimulatedIggyServer server, TimeProvider clock, FaultSchedule faults, CallLog log, string owner) : IIggyTransport
{
    private long? _clientId;
    private bool _killed;

    public IggyServerAddress Server { get; } = new("iggy.simulated", 8090);

    public string Owner => owner;

    /// <summary>The client id of the current session at the server; null before the first call and after a close.</summary>
    public long? ClientId => _clientId;

    /// <summary>The process died: the server sees the connection close, and nothing the process awaited ever returns.</summary>
    public void Kill()
    {
        log.Note(clock.GetUtcNow(), owner, "KILLED");
        _killed = true;
        Drop();
    }

    /// <summary>The connection breaks: the server deletes the client, which leaves its groups.</summary>
    public void Drop()
    {
        if (_clientId is { } clientId)
        {
            log.Note(clock.GetUtcNow(), owner, $"connection of client {clientId} closed");
            server.Disconnect(clientId);
        }

        _clientId = null;
    }

    public Task<bool> CreateStreamAsync(string stream, CancellationToken cancellationToken) =>
        CreateAsync(TransportOperation.CreateStream, _ => server.CreateStream(stream), cancellationToken);

    public Task<bool> CreateTopicAsync(string stream, string topic, uint partitions, CancellationToken cancellationToken) =>
        CreateAsync(TransportOperation.CreateTopic, _ => server.CreateTopic(stream, topic, partitions), cancellationToken);

    public Task<bool> CreateConsumerGroupAsync(string stream, string topic, string group, CancellationToken cancellationToken) =>
        CreateAsync(TransportOperation.CreateConsumerGroup, _ => server.CreateConsumerGroup(stream, topic, group), cancellationToken);

    public Task JoinConsumerGroupAsync(string stream, string topic, string group, CancellationToken cancellationToken) =>
        CallAsync(TransportOperation.JoinConsumerGroup, clientId =>
        {
            server.JoinConsumerGroup(clientId, stream, topic, group);
            return true;
        }, cancellationToken);

    public async Task SendAsync(string stream, string topic, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        var ids = messages.Select(IdOf).ToList();
        log.Attempted.UnionWith(ids);
        await CallAsync(TransportOperation.Send, clientId => server.Append(clientId, stream, topic, messages, owner), cancellationToken).ConfigureAwait(false);
        log.Acknowledged.UnionWith(ids);
    }

    public Task<PolledBatch> PollNextAsync(string stream, string topic, string group, uint count, CancellationToken cancellationToken) =>
        CallAsync(TransportOperation.PollNext, clientId => server.PollNext(clientId, stream, topic, group, count), cancellationToken);

    public Task StoreOffsetAsync(string stream, string topic, string group, uint partitionId, ulong offset, CancellationToken cancellationToken) =>
        CallAsync(TransportOperation.StoreOffset, clientId =>
        {
            server.StoreOffset(clientId, stream, topic, group, partitionId, offset);
            return true;
        }, cancellationToken, $"partition {partitionId} offset {offset}");

    public Task<IReadOnlyList<GroupMember>> GetGroupMembersAsync(string stream, string topic, string group, CancellationToken cancellationToken) =>
        CallAsync<IReadOnlyList<GroupMember>>(TransportOperation.GetGroupMembers, _ => server.GetGroup(stream, topic, group) is { } view
            ? view.Members.Select(member => new GroupMember((uint)member.Id, member.Partitions.Select(partition => (uint)partition).ToList())).ToList()
            : [], cancellationToken);

    public Task<IReadOnlyList<PartitionState>> GetPartitionsAsync(string stream, string topic, CancellationToken cancellationToken) =>
        CallAsync<IReadOnlyList<PartitionState>>(TransportOperation.GetPartitions, _ => server.GetTopic(stream, topic) is { } view
            ? view.Partitions.Select(partition => new PartitionState(partition.Id, partition.CurrentOffset, partition.MessagesCount)).ToList()
            : [], cancellationToken);

    public Task<ulong?> GetStoredOffsetAsync(string stream, string topic, string group, uint partitionId, CancellationToken cancellationToken) =>
        CallAsync(TransportOperation.GetStoredOffset, clientId => server.GetOffsets(clientId, stream, topic, group, partitionId)?.StoredOffset, cancellationToken);

    public Task<IReadOnlyList<ReceivedMessage>> ReadLastMessagesAsync(string stream, string topic, CancellationToken cancellationToken) =>
        CallAsync(TransportOperation.ReadLastMessages, clientId => server.ReadLastMessages(clientId, stream, topic), cancellationToken);

    /// <summary>The producer's id: the payload's, which is also the Iggy id it sets.</summary>
    private static long IdOf(OutgoingMessage message) =>
        DemoMessageSerializer.TryDeserialize(message.Payload, out var demo, out _) ? demo.Id : (long)message.Id;

    /// <summary>As IggyAspire.Client's IggyTransport does: an "already exists" answer is false, not an error.</summary>
    private async Task<bool> CreateAsync(TransportOperation operation, Action<long> create, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync(operation, clientId =>
            {
                create(clientId);
                return true;
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (IggyStatusException exception) when (IggyErrorCodes.IsAlreadyExists(exception.StatusCode))
        {
            return false;
        }
    }

    // arguments: the call's arguments as the trace shows them.
    private async Task<T> CallAsync<T>(TransportOperation operation, Func<long, T> apply, CancellationToken cancellationToken, string? arguments = null)
    {
        if (_killed)
        {
            return await Never<T>().ConfigureAwait(false);
        }

        var clientId = Session();
        var fault = faults.Next(operation);
        await ClockDelay.WaitAsync(clock, faults.Latency(), cancellationToken).ConfigureAwait(false);
        if (_killed)
        {
            return await Never<T>().ConfigureAwait(false);
        }

        if (fault == FaultKind.FailBeforeApplying || !server.IsConnected(clientId))
        {
            var reason = fault == FaultKind.FailBeforeApplying ? "request lost" : "connection closed";
            Record(operation, reason, clientId, arguments);
            log.Failed($"{operation}: {reason}");
            throw new IOException($"{operation}: {reason} (injected)");
        }

        T result;
        IggyStatusException? refused = null;
        try
        {
            result = apply(clientId);
        }
        catch (IggyStatusException exception)
        {
            result = default!;
            refused = exception;
        }

        await ClockDelay.WaitAsync(clock, faults.Latency(), cancellationToken).ConfigureAwait(false);
        if (_killed)
        {
            return await Never<T>().ConfigureAwait(false);
        }

        if (fault == FaultKind.FailAfterApplying || !server.IsConnected(clientId))
        {
            var reason = fault == FaultKind.FailAfterApplying ? "answer lost" : "connection closed after applying";
            Record(operation, reason, clientId, TracedOutcome(arguments, result));
            log.Failed($"{operation}: {reason}");
            if (operation == TransportOperation.Send && refused is null)
            {
                log.UnknownOutcome();
            }

            throw new IOException($"{operation}: {reason} (injected)");
        }

        if (refused is not null)
        {
            Record(operation, $"status {refused.StatusCode}", clientId, arguments);
            throw refused;
        }

        Record(operation, result is PolledBatch batch ? $"partition {batch.PartitionId}, {batch.Messages.Count} messages" : "ok", clientId, TracedOutcome(arguments, result));
        return result;
    }

    /// <summary>The current client, connecting as a new one when the server closed the last (Apache.Iggy's reconnect).</summary>
    private long Session()
    {
        if (_clientId is { } clientId && server.IsConnected(clientId))
        {
            return clientId;
        }

        _clientId = null;
        _clientId = server.Connect();
        log.Note(clock.GetUtcNow(), owner, $"connected as client {_clientId}");
        return _clientId.Value;
    }

    private void Record(TransportOperation operation, string outcome, long clientId, string? detail) =>
        log.Record(clock.GetUtcNow(), owner, operation.ToString(), outcome, detail is null ? $"(client {clientId})" : $"(client {clientId}) {detail}");

    /// <summary>For the trace: the offsets a poll returned (its answer lost or not), else the call's arguments.</summary>
    private static string? TracedOutcome<T>(string? arguments, T result) =>
        result is PolledBatch { Messages.Count: > 0 } batch
            ? $"got partition {batch.PartitionId} offsets {batch.Messages[0].Offset}..{batch.Messages[^1].Offset}"
            : arguments;

    private static Task<T> Never<T>() => new TaskCompletionSource<T>().Task;
}
