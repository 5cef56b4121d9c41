using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using IggyAspire.Messaging.Connection;
using IggyAspire.Messaging.Transport;

namespace IggyAspire.UnitTests.Messaging;

/// <summary>
/// An in-memory Iggy for the core's tests: records every call and reports sends, polls and stores on channels.
/// Polls behave as Iggy 0.8.0's Next without auto-commit (see docs/iggy-concepts.md): each partition keeps the
/// messages <see cref="Append"/> put there, a poll starts after the group's stored offset of the partition, and only
/// a store moves that offset. So a batch whose store failed comes back from the fake, as it would from Iggy.
/// </summary>
/// <param name="clock">The clock whose time each poll reports on <see cref="Polls"/>; none reports default.</param>
internal sealed class FakeIggyTransport(TimeProvider? clock = null) : IIggyTransport
{
    private readonly Lock _log = new();
    private readonly SortedDictionary<uint, List<ReceivedMessage>> _partitions = [];
    private int _memberReads;
    private readonly Dictionary<uint, ulong> _storedOffsets = [];
    private uint _nextPartition;
    private int _createsEntered;

    public IggyServerAddress Server { get; } = new("iggy.test", 8090);

    public HashSet<string> Existing { get; } = [];

    public List<string> Created { get; } = [];

    /// <summary>Calls to fail before the named operation succeeds ("send", "poll", "store", "join", "create-stream", "last").</summary>
    public ConcurrentDictionary<string, int> FailuresLeft { get; } = new();

    /// <summary>Operations the server refuses once, with the given Iggy status code, as <see cref="IggyStatusException"/>.</summary>
    public ConcurrentDictionary<string, int> RefuseOnce { get; } = new();

    public List<ReceivedMessage> LastMessages { get; } = [];

    public Channel<(OutgoingMessage[] Messages, ActivityContext Context)> Sends { get; } = Channel.CreateUnbounded<(OutgoingMessage[], ActivityContext)>();

    public Channel<(uint PartitionId, ulong Offset)> Stores { get; } = Channel.CreateUnbounded<(uint, ulong)>();

    /// <summary>One item per poll, failed or not: the clock's time when it came.</summary>
    public Channel<DateTimeOffset> Polls { get; } = Channel.CreateUnbounded<DateTimeOffset>();

    public int Joins;

    /// <summary>When set, SendAsync waits for it: a send "in flight".</summary>
    public TaskCompletionSource? SendGate { get; set; }

    /// <summary>Completes when a send reaches a closed <see cref="SendGate"/>.</summary>
    public TaskCompletionSource SendEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When set, StoreOffsetAsync waits for it: a store "in flight".</summary>
    public TaskCompletionSource? StoreGate { get; set; }

    /// <summary>Completes when a store reaches a closed <see cref="StoreGate"/>.</summary>
    public TaskCompletionSource StoreEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When set, every create waits for it, so two workers' creates can be made to overlap.</summary>
    public TaskCompletionSource? CreateGate { get; set; }

    /// <summary>How many creates have been called so far, finished or not.</summary>
    public int CreatesEntered => Volatile.Read(ref _createsEntered);

    /// <summary>Puts messages in their partitions, as a producer's sends would.</summary>
    public void Append(params ReceivedMessage[] messages)
    {
        lock (_log)
        {
            foreach (var message in messages)
            {
                if (!_partitions.TryGetValue(message.PartitionId, out var partition))
                {
                    _partitions[message.PartitionId] = partition = [];
                }

                partition.Add(message);
            }
        }
    }

    /// <summary>The group's stored offset of the partition; null when nothing was stored.</summary>
    public ulong? StoredOffset(uint partitionId)
    {
        lock (_log)
        {
            return _storedOffsets.TryGetValue(partitionId, out var offset) ? offset : null;
        }
    }

    /// <summary>Stores an offset for the group as an earlier run of a consumer would have.</summary>
    /// <summary>A partition that holds no message yet, as a topic's GetTopic lists it (current offset 0, no messages).</summary>
    public void AddEmptyPartition(uint partitionId)
    {
        lock (_log)
        {
            _partitions.TryAdd(partitionId, []);
        }
    }

    public void SetStoredOffset(uint partitionId, ulong offset)
    {
        lock (_log)
        {
            _storedOffsets[partitionId] = offset;
        }
    }

    public Task<bool> CreateStreamAsync(string stream, CancellationToken cancellationToken) => Create("create-stream", $"stream:{stream}", cancellationToken);

    public Task<bool> CreateTopicAsync(string stream, string topic, uint partitions, CancellationToken cancellationToken) => Create("create-topic", $"topic:{stream}/{topic}/{partitions}", cancellationToken);

    public Task<bool> CreateConsumerGroupAsync(string stream, string topic, string group, CancellationToken cancellationToken) => Create("create-group", $"group:{group}", cancellationToken);

    public Task JoinConsumerGroupAsync(string stream, string topic, string group, CancellationToken cancellationToken)
    {
        Fail("join");
        Interlocked.Increment(ref Joins);
        return Task.CompletedTask;
    }

    public async Task SendAsync(string stream, string topic, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        if (SendGate is { } gate)
        {
            SendEntered.TrySetResult();
            await gate.Task.WaitAsync(cancellationToken);
        }

        var context = Activity.Current?.Context ?? default;
        try
        {
            Fail("send");
        }
        catch
        {
            await Sends.Writer.WriteAsync(([], context), cancellationToken);
            throw;
        }

        Delivered.Enqueue((topic, [.. messages]));
        await Sends.Writer.WriteAsync(([.. messages], context), cancellationToken);
    }

    /// <summary>Every send the fake took, with its topic, in order.</summary>
    public ConcurrentQueue<(string Topic, OutgoingMessage[] Messages)> Delivered { get; } = new();

    /// <summary>
    /// The next partition in turn that has messages after the group's stored offset gives up to
    /// <paramref name="count"/> of them; with none, Apache.Iggy's empty answer (partition 0, offset 0).
    /// </summary>
    public async Task<PolledBatch> PollNextAsync(string stream, string topic, string group, uint count, CancellationToken cancellationToken)
    {
        await Polls.Writer.WriteAsync(clock?.GetUtcNow() ?? default, cancellationToken);
        Fail("poll");
        lock (_log)
        {
            var ids = _partitions.Keys.ToList();
            for (var turn = 0; turn < ids.Count; turn++)
            {
                var partitionId = ids[(int)((_nextPartition + turn) % ids.Count)];
                var partition = _partitions[partitionId];
                var stored = _storedOffsets.TryGetValue(partitionId, out var offset) ? offset : (ulong?)null;
                var pending = partition.Where(message => stored is null || message.Offset > stored).Take((int)count).ToList();
                if (pending.Count > 0)
                {
                    _nextPartition = (uint)((_nextPartition + turn + 1) % ids.Count);
                    return new PolledBatch(partitionId, partition[^1].Offset, pending);
                }
            }

            return new PolledBatch(0, 0, []);
        }
    }

    public async Task StoreOffsetAsync(string stream, string topic, string group, uint partitionId, ulong offset, CancellationToken cancellationToken)
    {
        if (StoreGate is { } gate)
        {
            StoreEntered.TrySetResult();
            await gate.Task.WaitAsync(cancellationToken);
        }

        Fail("store");
        SetStoredOffset(partitionId, offset);
        await Stores.Writer.WriteAsync((partitionId, offset), cancellationToken);
    }

    /// <summary>The group's members as a test sets them; null for one member owning every partition the fake holds.</summary>
    public IReadOnlyList<GroupMember>? Members { get; set; }

    public int MemberReads => Volatile.Read(ref _memberReads);

    public Task<IReadOnlyList<GroupMember>> GetGroupMembersAsync(string stream, string topic, string group, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _memberReads);
        Fail("members");
        lock (_log)
        {
            return Task.FromResult(Members ?? [new GroupMember(0, [.. _partitions.Keys.Order()])]);
        }
    }

    public Task<IReadOnlyList<PartitionState>> GetPartitionsAsync(string stream, string topic, CancellationToken cancellationToken)
    {
        lock (_log)
        {
            return Task.FromResult<IReadOnlyList<PartitionState>>([.. _partitions.Select(pair => new PartitionState(pair.Key, pair.Value.Count == 0 ? 0 : pair.Value[^1].Offset, (ulong)pair.Value.Count))]);
        }
    }

    public Task<ulong?> GetStoredOffsetAsync(string stream, string topic, string group, uint partitionId, CancellationToken cancellationToken)
    {
        lock (_log)
        {
            return Task.FromResult(_storedOffsets.TryGetValue(partitionId, out var stored) ? stored : (ulong?)null);
        }
    }

    public Task<IReadOnlyList<ReceivedMessage>> ReadLastMessagesAsync(string stream, string topic, CancellationToken cancellationToken)
    {
        Fail("last");
        return Task.FromResult<IReadOnlyList<ReceivedMessage>>(LastMessages);
    }

    private async Task<bool> Create(string operation, string entity, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _createsEntered);
        if (CreateGate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        Fail(operation);
        lock (Created)
        {
            if (!Existing.Add(entity))
            {
                return false;
            }

            Created.Add(entity);
            return true;
        }
    }

    private void Fail(string operation)
    {
        if (RefuseOnce.TryRemove(operation, out var code))
        {
            throw new IggyStatusException(code, $"{operation} refused with {code} (fake)");
        }

        if (FailuresLeft.TryGetValue(operation, out var left) && left > 0)
        {
            FailuresLeft[operation] = left - 1;
            throw new IOException($"{operation} failed (fake)");
        }
    }
}
