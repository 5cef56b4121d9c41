using IggyAspire.Messaging.Transport;
using IggyAspire.Simulation.Model;
using Microsoft.Extensions.Time.Testing;

namespace IggyAspire.Simulation.Tests;

/// <summary>The model's rules, each against the server-0.8.0 line it cites.</summary>
public sealed class SimulatedIggyServerTests : IDisposable
{
    private const string Stream = "s";
    private const string Topic = "t";
    private const string Group = "g";

    private readonly FakeTimeProvider _clock = new();
    private readonly SimulatedIggyServer _server;

    public SimulatedIggyServerTests()
    {
        _server = new SimulatedIggyServer(_clock);
        _server.CreateStream(Stream);
        _server.CreateTopic(Stream, Topic, 3);
        _server.CreateConsumerGroup(Stream, Topic, Group);
    }

    public void Dispose() => _server.DisposeTimers();

    [Fact]
    public void A_balanced_send_puts_each_whole_batch_in_the_next_partition_round_robin()
    {
        var client = _server.Connect();

        var partitions = Enumerable.Range(0, 4).Select(i => _server.Append(client, Stream, Topic, Batch(i * 2, 2), "p")).ToList();

        Assert.Equal([0, 1, 2, 0], partitions);
        Assert.Equal([0UL, 1UL], _server.Inspect(Stream, Topic).Partitions[0].Log.Take(2).Select(message => message.Offset));
        Assert.Equal(4, _server.Inspect(Stream, Topic).Partitions[0].Log.Count);
    }

    [Fact]
    public void A_crash_loses_what_was_not_saved_and_clamps_stored_offsets_to_what_was_recovered()
    {
        var client = _server.Connect();
        _server.JoinConsumerGroup(client, Stream, Topic, Group);
        for (var i = 0; i < SimulatedIggyServer.MessagesRequiredToSave; i++)
        {
            _server.Append(client, Stream, Topic, Batch(i, 1), "p");
        }

        // 1024 balanced single sends: 342, 341 and 341 per partition, each below the threshold until the saver runs.
        _clock.Advance(SimulatedIggyServer.MessageSaverInterval);
        _server.Append(client, Stream, Topic, Batch(5000, 1), "p");
        _server.StoreOffset(client, Stream, Topic, Group, 0, 341);
        var partition1 = _server.Inspect(Stream, Topic).Partitions[1];
        _server.StoreOffset(client, Stream, Topic, Group, 1, partition1.CurrentOffset);

        var lost = _server.Crash();
        _server.Start();

        // Saved by the saver: everything before it; lost: the one send after it, partition 1's offset 341, whose stored
        // offset is clamped to the 340 recovered; partition 0 keeps its 342 messages and its stored 341.
        Assert.Equal([(UInt128)5000], lost);
        Assert.Equal((342, 341), (_server.Inspect(Stream, Topic).Partitions[0].Log.Count, partition1.Log.Count));
        Assert.Equal(340UL, partition1.StoredOffsets[Group]);
        Assert.Equal(341UL, _server.Inspect(Stream, Topic).Partitions[0].StoredOffsets[Group]);
        Assert.False(_server.IsConnected(client));
    }

    [Fact]
    public void A_partition_saves_at_1024_unsaved_messages_and_a_graceful_stop_saves_the_rest()
    {
        var client = _server.Connect();
        _server.Append(client, Stream, Topic, Batch(0, SimulatedIggyServer.MessagesRequiredToSave), "p");
        _server.Append(client, Stream, Topic, Batch(2000, 5), "p");

        Assert.Equal((1024, 0), (_server.Inspect(Stream, Topic).Partitions[0].Saved, _server.Inspect(Stream, Topic).Partitions[1].Saved));
        _server.Stop();
        _server.Start();
        Assert.Empty(_server.Crash());
        Assert.Equal(5, _server.Inspect(Stream, Topic).Partitions[1].Log.Count);
    }

    [Fact]
    public void After_a_crash_that_recovered_nothing_the_next_message_at_offset_0_is_skipped()
    {
        var client = _server.Connect();
        _server.JoinConsumerGroup(client, Stream, Topic, Group);
        _server.Append(client, Stream, Topic, Batch(0, 3), "p");
        _server.StoreOffset(client, Stream, Topic, Group, 0, 2);

        _server.Crash();
        _server.Start();
        var consumer = _server.Connect();
        _server.JoinConsumerGroup(consumer, Stream, Topic, Group);
        _server.Append(consumer, Stream, Topic, Batch(10, 2), "p");

        // Stored 2 clamped to 0 (the empty partition's offset): Next starts at 1 and never returns offset 0 (id 10).
        var polled = _server.PollNext(consumer, Stream, Topic, Group, 10);
        Assert.Equal(0U, polled.PartitionId);
        Assert.Equal([(UInt128)11], polled.Messages.Select(message => message.Id));
    }

    [Fact]
    public void Creating_what_exists_answers_the_already_exists_codes()
    {
        Assert.Equal(IggyErrorCodes.StreamNameAlreadyExists, Assert.Throws<IggyStatusException>(() => _server.CreateStream(Stream)).StatusCode);
        Assert.Equal(IggyErrorCodes.TopicNameAlreadyExists, Assert.Throws<IggyStatusException>(() => _server.CreateTopic(Stream, Topic, 3)).StatusCode);
        Assert.Equal(IggyErrorCodes.ConsumerGroupNameAlreadyExists, Assert.Throws<IggyStatusException>(() => _server.CreateConsumerGroup(Stream, Topic, Group)).StatusCode);
    }

    [Fact]
    public void A_poll_from_a_client_that_never_joined_answers_5006()
    {
        var client = _server.Connect();

        var refused = Assert.Throws<IggyStatusException>(() => _server.PollNext(client, Stream, Topic, Group, 10));

        Assert.Equal(IggyErrorCodes.ConsumerGroupMemberNotFound, refused.StatusCode);
    }

    [Fact]
    public void A_lone_member_owns_every_partition_and_its_polls_rotate_over_them()
    {
        var producer = _server.Connect();
        for (var i = 0; i < 3; i++)
        {
            _server.Append(producer, Stream, Topic, Batch(i, 1), "p");
        }

        var consumer = _server.Connect();
        _server.JoinConsumerGroup(consumer, Stream, Topic, Group);

        var served = Enumerable.Range(0, 4).Select(_ => _server.PollNext(consumer, Stream, Topic, Group, 10).PartitionId).ToList();

        Assert.Equal([0u, 1u, 2u, 0u], served);
    }

    [Fact]
    public void Next_starts_after_the_stored_offset_and_only_a_store_moves_it()
    {
        var producer = _server.Connect();
        _server.Append(producer, Stream, Topic, Batch(1, 5), "p");
        var consumer = JoinedOwnerOfEverything();

        Assert.Equal([0UL, 1UL], Offsets(_server.PollNext(consumer, Stream, Topic, Group, 2)));
        Assert.Equal([0UL, 1UL], Offsets(PollPartition0(consumer)));
        _server.StoreOffset(consumer, Stream, Topic, Group, 0, 1);
        Assert.Equal([2UL, 3UL], Offsets(PollPartition0(consumer)));
        Assert.Equal(new PartitionOffsets(0, 4, 1), _server.GetOffsets(consumer, Stream, Topic, Group, 0));
    }

    [Fact]
    public void A_store_past_the_newest_offset_or_in_an_empty_partition_answers_4100()
    {
        var consumer = JoinedOwnerOfEverything();

        Assert.Equal(IggyStatusCodes.InvalidOffset, Assert.Throws<IggyStatusException>(() => _server.StoreOffset(consumer, Stream, Topic, Group, 0, 0)).StatusCode);
        _server.Append(_server.Connect(), Stream, Topic, Batch(1, 2), "p");
        Assert.Equal(IggyStatusCodes.InvalidOffset, Assert.Throws<IggyStatusException>(() => _server.StoreOffset(consumer, Stream, Topic, Group, 0, 2)).StatusCode);
    }

    [Fact]
    public void A_second_member_gets_a_partition_only_after_the_first_commits_what_it_polled_from_it()
    {
        var producer = _server.Connect();
        for (var i = 0; i < 3; i++)
        {
            _server.Append(producer, Stream, Topic, Batch(i * 2, 2), "p");
        }

        var first = JoinedOwnerOfEverything();
        var polled = Enumerable.Range(0, 3).Select(_ => _server.PollNext(first, Stream, Topic, Group, 10)).ToList();

        var second = _server.Connect();
        _server.JoinConsumerGroup(second, Stream, Topic, Group);

        // Cooperative: partition 2 (the end of the first's list) is pending revocation, not yet the second's.
        Assert.Empty(_server.PollNext(second, Stream, Topic, Group, 10).Messages);
        Assert.Equal(IggyStatusCodes.NotResolvedConsumer,
            Assert.Throws<IggyStatusException>(() => _server.StoreOffset(second, Stream, Topic, Group, 2, 1)).StatusCode);

        // The revoking member may still store for it, and that store hands the partition over.
        _server.StoreOffset(first, Stream, Topic, Group, 2, polled[2].Messages[^1].Offset);
        var afterHandOver = _server.PollNext(second, Stream, Topic, Group, 10);
        Assert.Equal(2u, afterHandOver.PartitionId);
        Assert.Empty(afterHandOver.Messages);
        _server.Append(producer, Stream, Topic, Batch(10, 1), "p");
        _server.Append(producer, Stream, Topic, Batch(11, 1), "p");
        _server.Append(producer, Stream, Topic, Batch(12, 1), "p");
        Assert.Equal(2UL, Assert.Single(_server.PollNext(second, Stream, Topic, Group, 10).Messages).Offset);
    }

    [Fact]
    public void A_revocation_never_committed_is_forced_after_the_rebalancing_timeout()
    {
        var producer = _server.Connect();
        for (var i = 0; i < 3; i++)
        {
            _server.Append(producer, Stream, Topic, Batch(i, 1), "p");
        }

        var first = JoinedOwnerOfEverything();
        for (var i = 0; i < 3; i++)
        {
            _server.PollNext(first, Stream, Topic, Group, 10);
        }

        var second = _server.Connect();
        _server.JoinConsumerGroup(second, Stream, Topic, Group);
        _clock.Advance(SimulatedIggyServer.RebalancingTimeout + SimulatedIggyServer.RebalancingCheckInterval);

        var batch = _server.PollNext(second, Stream, Topic, Group, 10);

        Assert.Equal(2u, batch.PartitionId);
        Assert.Equal(0UL, Assert.Single(batch.Messages).Offset);
    }

    [Fact]
    public void A_disconnect_ends_the_membership_and_the_others_take_its_partitions()
    {
        var first = JoinedOwnerOfEverything();
        var second = _server.Connect();
        _server.JoinConsumerGroup(second, Stream, Topic, Group);

        _server.Disconnect(first);

        var group = _server.Inspect(Stream, Topic).Groups[Group];
        Assert.Equal([0, 1, 2], Assert.Single(group.Members).Member.Partitions);
        Assert.Throws<StaleClientException>(() => _server.PollNext(first, Stream, Topic, Group, 10));
    }

    [Fact]
    public void Joining_again_is_a_no_op_and_does_not_rebalance()
    {
        var first = JoinedOwnerOfEverything();

        _server.JoinConsumerGroup(first, Stream, Topic, Group);

        Assert.Equal([0, 1, 2], Assert.Single(_server.Inspect(Stream, Topic).Groups[Group].Members).Member.Partitions);
    }

    [Fact]
    public void A_restart_keeps_messages_and_stored_offsets_and_forgets_members_and_clients()
    {
        var producer = _server.Connect();
        _server.Append(producer, Stream, Topic, Batch(1, 3), "p");
        var consumer = JoinedOwnerOfEverything();
        _server.StoreOffset(consumer, Stream, Topic, Group, 0, 1);

        _server.Stop();
        Assert.Throws<IOException>(() => _server.Connect());
        _server.Start();

        Assert.False(_server.IsConnected(consumer));
        Assert.Empty(_server.Inspect(Stream, Topic).Groups[Group].Members);
        var again = _server.Connect();
        Assert.Equal(IggyErrorCodes.ConsumerGroupMemberNotFound, Assert.Throws<IggyStatusException>(() => _server.PollNext(again, Stream, Topic, Group, 10)).StatusCode);
        _server.JoinConsumerGroup(again, Stream, Topic, Group);
        Assert.Equal([2UL], Offsets(_server.PollNext(again, Stream, Topic, Group, 10)));
        Assert.Equal(0, _server.Append(again, Stream, Topic, Batch(9, 1), "p"));
        Assert.Equal(1, _server.Restarts);
    }

    private long JoinedOwnerOfEverything()
    {
        var client = _server.Connect();
        _server.JoinConsumerGroup(client, Stream, Topic, Group);
        return client;
    }

    /// <summary>Polls until partition 0 serves (the member rotates over its three partitions).</summary>
    private PolledBatch PollPartition0(long client)
    {
        while (true)
        {
            var batch = _server.PollNext(client, Stream, Topic, Group, 2);
            if (batch.PartitionId == 0 && batch.Messages.Count > 0)
            {
                return batch;
            }
        }
    }

    private static ulong[] Offsets(PolledBatch batch) => [.. batch.Messages.Select(message => message.Offset)];

    private static OutgoingMessage[] Batch(int firstId, int count) =>
        [.. Enumerable.Range(firstId, count).Select(id => new OutgoingMessage((UInt128)id, [(byte)id]))];
}
