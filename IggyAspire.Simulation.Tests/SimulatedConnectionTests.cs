using IggyAspire.Messaging.Transport;
using IggyAspire.Simulation.Driver;
using IggyAspire.Simulation.Faults;
using IggyAspire.Simulation.Model;
using IggyAspire.TestServer.Model;

namespace IggyAspire.Simulation.Tests;

/// <summary>The simulated connection answers as Apache.Iggy over TCP does, against the one model of server 0.8.0.</summary>
public sealed class SimulatedConnectionTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task GetOffset_reads_null_for_no_stored_offset_an_unknown_partition_and_an_unknown_group()
    {
        var (clock, server, connection, _, _) = Connected(FaultRates.None);

        ulong?[] answers =
        [
            await Run(clock, connection.GetStoredOffsetAsync("s", "t", "g", 0, TestContext.Current.CancellationToken)),
            await Run(clock, connection.GetStoredOffsetAsync("s", "t", "g", 7, TestContext.Current.CancellationToken)),
            await Run(clock, connection.GetStoredOffsetAsync("s", "t", "nobody", 0, TestContext.Current.CancellationToken)),
        ];

        Assert.Equal([null, null, null], answers);
        Assert.NotNull(server.GetGroup("s", "t", "g"));
    }

    [Fact]
    public async Task A_lost_answer_breaks_the_connection_the_server_deletes_the_member_and_the_replayed_store_is_refused_with_5006()
    {
        var (clock, server, connection, faults, _) = Connected(new FaultRates(0, 0, 0, 0, StoreFailsAfterStoring: 1, 0));
        faults.Enabled = false;
        await Run(clock, connection.JoinConsumerGroupAsync("s", "t", "g", TestContext.Current.CancellationToken));
        await Run(clock, connection.SendAsync("s", "t", [new OutgoingMessage(1, [1])], TestContext.Current.CancellationToken));
        var member = connection.ClientId!.Value;
        faults.Enabled = true;

        var store = Run(clock, connection.StoreOffsetAsync("s", "t", "g", 0, 0, TestContext.Current.CancellationToken), faultsOffAfterFirstAttempt: faults);

        var refused = await Assert.ThrowsAsync<IggyStatusException>(() => store);
        Assert.Equal(IggyErrorCodes.ConsumerGroupMemberNotFound, refused.StatusCode);
        Assert.False(server.IsConnected(member));
        Assert.NotEqual(member, connection.ClientId);
        Assert.Empty(server.GetGroup("s", "t", "g")!.Members);
        // The first attempt was applied before its answer was lost.
        Assert.Equal(0UL, server.Inspect("s", "t").Partitions[0].StoredOffsets["g"]);
    }

    [Fact]
    public async Task A_send_whose_answer_was_lost_is_replayed_on_a_new_session_and_appended_twice()
    {
        var (clock, server, producer, faults, log) = Connected(new FaultRates(0, SendFailsAfterAppend: 1, 0, 0, 0, 0));

        await Run(clock, producer.SendAsync("s", "t", [new OutgoingMessage(5, [1])], TestContext.Current.CancellationToken), faultsOffAfterFirstAttempt: faults);

        Assert.Equal([5UL, 5UL], server.Inspect("s", "t").Partitions.SelectMany(partition => partition.Log).Select(message => (ulong)message.Id));
        Assert.Equal(1, log.UnknownOutcomeSends);
        Assert.Contains(5L, log.Acknowledged);
    }

    [Fact]
    public async Task A_call_whose_replay_breaks_too_fails_and_leaves_no_session_behind()
    {
        var (clock, server, producer, _, log) = Connected(new FaultRates(SendFailsBeforeAppend: 1, 0, 0, 0, 0, 0));

        var send = Run(clock, producer.SendAsync("s", "t", [new OutgoingMessage(5, [1])], TestContext.Current.CancellationToken));

        await Assert.ThrowsAsync<IOException>(() => send);
        Assert.Empty(server.Inspect("s", "t").Partitions[0].Log);
        Assert.Equal((1, 0), (log.FailedSends, log.Acknowledged.Count));
        Assert.Empty(server.ConnectedClients);
    }

    private static (SimulationClock Clock, SimulatedIggyServer Server, SimulatedConnection Connection, FaultSchedule Faults, CallLog Log) Connected(FaultRates rates)
    {
        var clock = new SimulationClock(Start);
        var server = new SimulatedIggyServer(clock);
        server.CreateStream("s");
        server.CreateTopic("s", "t", 1);
        server.CreateConsumerGroup("s", "t", "g");
        var log = new CallLog(Environment.CurrentManagedThreadId);
        var faults = new FaultSchedule(new Random(1), rates);
        return (clock, server, new SimulatedConnection(server, clock, faults, log, "worker"), faults, log);
    }

    // Advances the clock 1 ms at a time until the call completes (at most a minute). faultsOffAfterFirstAttempt turns
    // the faults off once the first attempt has drawn its fault (20 ms in; the replay comes after 2 s of reconnecting).
    private static async Task<T> Run<T>(SimulationClock clock, Task<T> call, FaultSchedule? faultsOffAfterFirstAttempt = null)
    {
        for (var elapsed = 0; elapsed < 60_000 && !call.IsCompleted; elapsed++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(1));
            if (faultsOffAfterFirstAttempt is not null && elapsed == 20)
            {
                faultsOffAfterFirstAttempt.Enabled = false;
            }
        }

        return await call;
    }

    private static Task<bool> Run(SimulationClock clock, Task call, FaultSchedule? faultsOffAfterFirstAttempt = null) =>
        Run(clock, Completed(call), faultsOffAfterFirstAttempt);

    private static async Task<bool> Completed(Task call)
    {
        await call;
        return true;
    }
}
