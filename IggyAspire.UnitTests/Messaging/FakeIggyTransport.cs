using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using IggyAspire.Messaging.Connection;
using IggyAspire.Messaging.Transport;

namespace IggyAspire.UnitTests.Messaging;

/// <summary>An in-memory Iggy for the core's tests: records every call and reports sends, polls and stores on channels.</summary>
internal sealed class FakeIggyTransport : IIggyTransport
{
    private readonly ConcurrentQueue<PolledBatch> _polls = new();

    public IggyServerAddress Server { get; } = new("iggy.test", 8090);

    public HashSet<string> Existing { get; } = [];

    public List<string> Created { get; } = [];

    /// <summary>Calls to fail before the named operation succeeds ("send", "poll", "store", "join", "create-stream", "last").</summary>
    public ConcurrentDictionary<string, int> FailuresLeft { get; } = new();

    public List<ReceivedMessage> LastMessages { get; } = [];

    public Channel<(OutgoingMessage[] Messages, ActivityContext Context)> Sends { get; } = Channel.CreateUnbounded<(OutgoingMessage[], ActivityContext)>();

    public Channel<(uint PartitionId, ulong Offset)> Stores { get; } = Channel.CreateUnbounded<(uint, ulong)>();

    public Channel<bool> Polls { get; } = Channel.CreateUnbounded<bool>();

    public int Joins;

    /// <summary>When set, SendAsync waits for it: a send "in flight".</summary>
    public TaskCompletionSource? SendGate { get; set; }

    /// <summary>Completes when a send reaches a closed <see cref="SendGate"/>.</summary>
    public TaskCompletionSource SendEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When set, StoreOffsetAsync waits for it: a store "in flight".</summary>
    public TaskCompletionSource? StoreGate { get; set; }

    /// <summary>Completes when a store reaches a closed <see cref="StoreGate"/>.</summary>
    public TaskCompletionSource StoreEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Dictionary<uint, PartitionOffsets> Offsets { get; } = [];

    public void EnqueuePoll(PolledBatch batch) => _polls.Enqueue(batch);

    public Task<bool> CreateStreamAsync(string stream, CancellationToken cancellationToken) => Create("create-stream", $"stream:{stream}");

    public Task<bool> CreateTopicAsync(string stream, string topic, uint partitions, CancellationToken cancellationToken) => Create("create-topic", $"topic:{stream}/{topic}/{partitions}");

    public Task<bool> CreateConsumerGroupAsync(string stream, string topic, string group, CancellationToken cancellationToken) => Create("create-group", $"group:{group}");

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

        await Sends.Writer.WriteAsync(([.. messages], context), cancellationToken);
    }

    public async Task<PolledBatch> PollNextAsync(string stream, string topic, string group, uint count, CancellationToken cancellationToken)
    {
        await Polls.Writer.WriteAsync(true, cancellationToken);
        Fail("poll");
        return _polls.TryDequeue(out var batch) ? batch : new PolledBatch(0, 0, []);
    }

    public async Task StoreOffsetAsync(string stream, string topic, string group, uint partitionId, ulong offset, CancellationToken cancellationToken)
    {
        if (StoreGate is { } gate)
        {
            StoreEntered.TrySetResult();
            await gate.Task.WaitAsync(cancellationToken);
        }

        Fail("store");
        await Stores.Writer.WriteAsync((partitionId, offset), cancellationToken);
    }

    public Task<PartitionOffsets?> GetOffsetsAsync(string stream, string topic, string group, uint partitionId, CancellationToken cancellationToken) =>
        Task.FromResult<PartitionOffsets?>(Offsets.TryGetValue(partitionId, out var offsets) ? offsets : null);

    public Task<IReadOnlyList<ReceivedMessage>> ReadLastMessagesAsync(string stream, string topic, uint partitions, CancellationToken cancellationToken)
    {
        Fail("last");
        return Task.FromResult<IReadOnlyList<ReceivedMessage>>(LastMessages);
    }

    private Task<bool> Create(string operation, string entity)
    {
        Fail(operation);
        lock (Created)
        {
            if (!Existing.Add(entity))
            {
                return Task.FromResult(false);
            }

            Created.Add(entity);
            return Task.FromResult(true);
        }
    }

    private void Fail(string operation)
    {
        if (FailuresLeft.TryGetValue(operation, out var left) && left > 0)
        {
            FailuresLeft[operation] = left - 1;
            throw new IOException($"{operation} failed (fake)");
        }
    }
}
