using IggyAspire.Messaging.Connection;
using IggyAspire.Messaging.Transport;
using IggyAspire.Simulation.Faults;

namespace IggyAspire.Simulation.Model;

/// <summary>
/// One client's connection to the <see cref="SimulatedIggyServer"/>, as the core sees it through
/// <see cref="IIggyTransport"/>, with Apache.Iggy's TCP behaviour. Each call takes a request leg and an answer leg on
/// the clock. As on TCP, a request or an answer is lost only with the connection (the fault schedule breaks it before
/// or after the server applied the request, or the server closed it: a drop, a restart); the server then deletes the
/// client with its group membership, and the connection reconnects, logs in as a new client and sends the request once
/// more, which fails the call only if it breaks again. A killed connection is a crashed process: its calls never
/// complete.
/// </summary>
internal sealed class SimulatedConnection(SimulatedIggyServer server, TimeProvider clock, FaultSchedule faults, CallLog log, string owner) : IIggyTransport
{
    // IggyClientConfiguration.Reconnection: InitialDelay 1 s, MaxDelay 10 s; ReconnectionSettings.WaitAfterReconnect 1 s.
    private static readonly TimeSpan ReconnectInitialDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ReconnectMaxDelay = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan WaitAfterReconnect = TimeSpan.FromSeconds(1);

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
            var owned = Owns(clientId, stream, topic, group, (int)partitionId);
            server.StoreOffset(clientId, stream, topic, group, partitionId, offset);
            if (!owned)
            {
                log.StoredByNonOwner($"client {clientId} ({owner}) stored offset {offset} of partition {partitionId}, which its member did not own");
            }

            return true;
        }, cancellationToken, $"partition {partitionId} offset {offset}");

    /// <summary>
    /// Whether the client's member owns the partition or is giving it up (server 0.8.0 accepts a store for either:
    /// metadata/reader.rs:343-355), read from the group's state, apart from the model's own check.
    /// </summary>
    private bool Owns(long clientId, string stream, string topic, string group, int partitionId) =>
        server.Inspect(stream, topic).Groups.TryGetValue(group, out var found)
        && found.FindByClient(clientId)?.Member is { } member
        && (member.Partitions.Contains(partitionId) || member.PendingRevocations.Exists(revocation => revocation.PartitionId == partitionId));

    public Task<IReadOnlyList<GroupMember>> GetGroupMembersAsync(string stream, string topic, string group, CancellationToken cancellationToken) =>
        CallAsync<IReadOnlyList<GroupMember>>(TransportOperation.GetGroupMembers, _ => server.GetGroup(stream, topic, group) is { } view
            ? view.Members.Select(member => new GroupMember((uint)member.Id, member.Partitions.Select(partition => (uint)partition).ToList())).ToList()
            : [], cancellationToken);

    public Task<IReadOnlyList<PartitionState>> GetPartitionsAsync(string stream, string topic, CancellationToken cancellationToken) =>
        CallAsync<IReadOnlyList<PartitionState>>(TransportOperation.GetPartitions, _ => server.GetTopic(stream, topic) is { } view
            ? view.Partitions.Select(partition => new PartitionState(partition.Id, partition.CurrentOffset, partition.MessagesCount)).ToList()
            : [], cancellationToken);

    /// <summary>
    /// As the wire answers it: server 0.8.0's handler answers an empty OK both when nothing is stored and when the
    /// lookup fails, for an unknown group or partition (get_consumer_offset_handler.rs:60-71), and Apache.Iggy reads an
    /// empty answer as null (TcpMessageStream.cs:345-360); so does the test server's TCP front end.
    /// </summary>
    public Task<ulong?> GetStoredOffsetAsync(string stream, string topic, string group, uint partitionId, CancellationToken cancellationToken) =>
        CallAsync(TransportOperation.GetStoredOffset, clientId =>
        {
            try
            {
                return server.GetOffsets(clientId, stream, topic, group, partitionId)?.StoredOffset;
            }
            catch (IggyStatusException)
            {
                return null;
            }
        }, cancellationToken);

    public Task<IReadOnlyList<ReceivedMessage>> ReadLastMessagesAsync(string stream, string topic, CancellationToken cancellationToken) =>
        CallAsync(TransportOperation.ReadLastMessages, clientId => server.ReadLastMessages(clientId, stream, topic), cancellationToken);

    /// <summary>The producer's id: the demo sets each message's Iggy id to the payload's.</summary>
    private static long IdOf(OutgoingMessage message) => (long)message.Id;

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
        var first = await AttemptAsync(operation, apply, clientId, faults.Next(operation), arguments, cancellationToken).ConfigureAwait(false);
        if (first.Answered)
        {
            return Answer(operation, first, clientId, arguments);
        }

        // TCP loses a request or an answer only with its connection. The server then deletes the client, which leaves
        // its groups (shard/system/clients.rs:35-80); Apache.Iggy reconnects, logs in again and sends the same request
        // once more on the new session (TcpMessageStream.cs SendWithResponseAsync, HandleReconnectionAsync). A replayed
        // poll or store meets a client that is no member (5006); a replayed send is appended again if the first was.
        Drop();
        if (operation == TransportOperation.Send && first.Applied && first.Refused is null)
        {
            log.UnknownOutcome();
        }

        if (await ReconnectAsync(cancellationToken).ConfigureAwait(false) is not { } replayClient)
        {
            return await Never<T>().ConfigureAwait(false);
        }

        var replay = await AttemptAsync(operation, apply, replayClient, faults.Next(operation), arguments, cancellationToken).ConfigureAwait(false);
        if (replay.Answered)
        {
            return Answer(operation, replay, replayClient, arguments is null ? "(replayed)" : $"{arguments} (replayed)");
        }

        // The replay's own connection broke too: the SDK does not reconnect twice within one call.
        Drop();
        if (operation == TransportOperation.Send && replay.Applied && replay.Refused is null)
        {
            log.UnknownOutcome();
        }

        if (operation == TransportOperation.Send)
        {
            log.SendFailed();
        }

        throw new IOException($"{operation}: connection broken, and again on the replay (injected)");
    }

    /// <summary>
    /// Apache.Iggy's reconnect as IggyAspire.Client configures it (IggyClientConfiguration.Reconnection): wait
    /// InitialDelay (TcpMessageStream.ConnectAsync), try to connect until the server is up, each retry waiting twice
    /// as long up to MaxDelay (TryEstablishConnectionAsync, MaxRetries 0: no limit), log in (AutoLoginSettings), then
    /// wait WaitAfterReconnect (HandleReconnectionAsync) before the replay. Null when the process was killed meanwhile.
    /// </summary>
    private async Task<long?> ReconnectAsync(CancellationToken cancellationToken)
    {
        var delay = ReconnectInitialDelay;
        await ClockDelay.WaitAsync(clock, delay, cancellationToken).ConfigureAwait(false);
        while (!_killed && !server.IsUp)
        {
            delay = delay * 2 < ReconnectMaxDelay ? delay * 2 : ReconnectMaxDelay;
            await ClockDelay.WaitAsync(clock, delay, cancellationToken).ConfigureAwait(false);
        }

        if (_killed)
        {
            return null;
        }

        var clientId = Session();
        await ClockDelay.WaitAsync(clock, WaitAfterReconnect, cancellationToken).ConfigureAwait(false);
        return _killed ? null : clientId;
    }

    /// <summary>
    /// One request on <paramref name="clientId"/>'s connection: its request leg, the server applying it, its answer
    /// leg. A fault, or a connection the server closed meanwhile, breaks the connection before or after applying.
    /// </summary>
    private async Task<Attempt<T>> AttemptAsync<T>(TransportOperation operation, Func<long, T> apply, long clientId, FaultKind fault, string? arguments, CancellationToken cancellationToken)
    {
        await ClockDelay.WaitAsync(clock, faults.Latency(), cancellationToken).ConfigureAwait(false);
        if (_killed)
        {
            return await Never<Attempt<T>>().ConfigureAwait(false);
        }

        if (fault == FaultKind.FailBeforeApplying || !server.IsConnected(clientId))
        {
            var reason = fault == FaultKind.FailBeforeApplying ? "request lost, connection broken" : "connection closed";
            Record(operation, reason, clientId, arguments);
            log.Failed($"{operation}: {reason}");
            return new Attempt<T>(Answered: false, Applied: false, default!, null);
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
            return await Never<Attempt<T>>().ConfigureAwait(false);
        }

        if (fault == FaultKind.FailAfterApplying || !server.IsConnected(clientId))
        {
            var reason = fault == FaultKind.FailAfterApplying ? "answer lost, connection broken" : "connection closed after applying";
            Record(operation, reason, clientId, TracedOutcome(arguments, result));
            log.Failed($"{operation}: {reason}");
            return new Attempt<T>(Answered: false, Applied: true, result, refused);
        }

        return new Attempt<T>(Answered: true, Applied: true, result, refused);
    }

    private T Answer<T>(TransportOperation operation, Attempt<T> attempt, long clientId, string? arguments)
    {
        if (attempt.Refused is { } refused)
        {
            Record(operation, $"status {refused.StatusCode}", clientId, arguments);
            throw refused;
        }

        Record(operation, attempt.Result is PolledBatch batch ? $"partition {batch.PartitionId}, {batch.Messages.Count} messages" : "ok", clientId, TracedOutcome(arguments, attempt.Result));
        return attempt.Result;
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

    /// <param name="Answered">An answer came back.</param>
    /// <param name="Applied">The server applied the request (whether or not its answer came back).</param>
    /// <param name="Result">What the server answered, unless it refused.</param>
    /// <param name="Refused">The server's refusal, or null.</param>
    private readonly record struct Attempt<T>(bool Answered, bool Applied, T Result, IggyStatusException? Refused);
}
