using System.Diagnostics;
using IggyAspire.TestServer.Model;
using IggyAspire.TestServer.Tcp;

namespace IggyAspire.Tests.TestServer;

/// <summary>
/// What <c>WithHeartbeat</c> and <c>AddIggyClient</c> do over the real Apache.Iggy 0.8.0 client and the workers' real
/// hosts, against a test server whose heartbeat check is on (server-0.8.0 heartbeat_verifier.rs: every interval, a client
/// that has not pinged for 1.2 x interval is deleted and leaves its groups). The connection string asks for a ping every
/// half interval, as WithHeartbeat writes it; plain SDK code sends none.
/// </summary>
public sealed class HeartbeatTests : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MaxSilence = Interval * SimulatedIggyServer.HeartbeatThreshold;

    private readonly IggyTcpServer _server = IggyTcpServer.Start(new IggyTcpServerOptions { Username = "iggy", Password = "secret", HeartbeatInterval = Interval });
    private readonly DemoOverTestServer _demo;

    public HeartbeatTests() => _demo = new DemoOverTestServer(_server) { ConnectionOptions = "?heartbeat_interval=1000ms" };

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_consumer_host_with_heartbeat_interval_stays_connected_and_keeps_consuming_over_many_intervals()
    {
        await using var consumer = await _demo.StartConsumerAsync();
        await _demo.WaitUntilAsync(() => _demo.ClientsThatSent(IggyCommandCodes.JoinConsumerGroup).Count == 1, "the consumer to join its group");
        var joined = Assert.Single(_demo.ClientsThatSent(IggyCommandCodes.JoinConsumerGroup));
        using var producer = await _demo.PlainClientAsync();

        // 8 s = 4 intervals; the plain producer pings by hand, or it would be deleted too.
        var sent = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < Interval * 4)
        {
            await producer.PingAsync(TestContext.Current.CancellationToken);
            await _demo.SendAsync(producer, 2);
            sent += 2;
            await _demo.WaitForStoredOffsetAsync((ulong)sent - 1);
            await Task.Delay(500, TestContext.Current.CancellationToken);
        }

        var deleted = _server.Inspect(model => model.DeletedStaleClients.ToArray());
        Assert.True(deleted.Length == 0, $"The server deleted clients {string.Join(", ", deleted)}. {_demo.Seen()}");
        Assert.Equal([joined], _demo.ClientsThatSent(IggyCommandCodes.JoinConsumerGroup));
        Assert.Contains(joined, _server.ConnectedClientIds);
        var pings = _server.CommandsOf(joined).Count(code => code == IggyCommandCodes.Ping);
        Assert.True(pings >= 6, $"The consumer pinged {pings} time(s) in {watch.Elapsed}. {_demo.Seen()}");
        Assert.Equal(Enumerable.Range(1, sent).Select(id => (long)id), _demo.LoggedIds());
    }

    [Fact]
    public async Task A_plain_client_that_does_not_ping_is_deleted_by_the_server_and_its_next_call_fails()
    {
        var before = _server.ConnectedClientIds.ToHashSet();
        using var client = await _demo.PlainClientAsync();
        var connectedAt = Stopwatch.StartNew();
        var id = Assert.Single(_server.ConnectedClientIds, clientId => !before.Contains(clientId));

        await _demo.WaitUntilAsync(() => _server.Inspect(model => model.DeletedStaleClients.Contains(id)), $"the server to delete client {id}, which never pinged");
        var deletedAfter = connectedAt.Elapsed;

        // Never before 1.2 x interval; at the latest at the first check after it (plus the wait's polling and a busy machine).
        Assert.True(deletedAfter >= MaxSilence - TimeSpan.FromMilliseconds(100), $"Deleted after {deletedAfter}, before {MaxSilence}.");
        Assert.True(deletedAfter <= MaxSilence + Interval + TimeSpan.FromSeconds(1.5), $"Deleted only after {deletedAfter}.");
        Assert.DoesNotContain(id, _server.ConnectedClientIds);

        var failure = await Record.ExceptionAsync(() => client.GetStreamsAsync(TestContext.Current.CancellationToken));
        Assert.True(failure is not null, $"The deleted client's call succeeded. {_demo.Seen()}");
        TestContext.Current.TestOutputHelper?.WriteLine($"Deleted after {deletedAfter}; the next call threw {failure.GetType().Name}: {failure.Message}");
    }

    [Fact]
    public async Task When_one_consumer_goes_silent_the_server_deletes_it_and_the_other_takes_over_its_partitions()
    {
        (string, string) twoPartitions = ("Aspire:Apache:Iggy:Consumer:Partitions", "2");
        await using var first = await _demo.StartConsumerAsync(logs: null, twoPartitions);
        await _demo.WaitUntilAsync(() => _demo.ClientsThatSent(IggyCommandCodes.JoinConsumerGroup).Count == 1, "the first consumer to join");
        await using var second = await _demo.StartConsumerAsync(logs: null, twoPartitions);
        await _demo.WaitUntilAsync(() => Members().Length == 2, "both consumers to be members of the group");
        var members = Members();
        var (survivor, silent) = (members[0].ClientId, members[1].ClientId);
        var silentPartitions = members[1].Partitions;

        // Both consume: one round of messages on each partition. Each send is from a new plain client, which does not
        // live long enough to be deleted for not pinging.
        using (var producer = await _demo.PlainClientAsync())
        {
            await _demo.SendAsync(producer, 4);
        }

        await _demo.WaitUntilAsync(AllStored, "both consumers to process the first 4 messages");

        // From now on every request of the silent consumer's connection (its pings too) is lost; the socket stays open.
        var commandsAtMute = _server.Commands.Count;
        Assert.True(_server.Mute(silent), $"client {silent} has no open connection. {_demo.Seen()}");
        var mutedAt = Stopwatch.StartNew();
        await _demo.WaitUntilAsync(() => _server.Inspect(model => model.DeletedStaleClients.Contains(silent)), $"the server to delete the silent client {silent}");
        var deletedAfter = mutedAt.Elapsed;
        Assert.True(deletedAfter <= MaxSilence + Interval + TimeSpan.FromSeconds(1.5), $"Deleted only {deletedAfter} after going silent.");
        Assert.DoesNotContain(silent, _server.ConnectedClientIds);
        await _demo.WaitUntilAsync(() => Members() is [var only] && only.ClientId == survivor && only.Partitions.Count == 2,
            $"client {survivor} to own both partitions; group: {_server.Inspect(model => model.DescribeGroup(DemoOverTestServer.Stream, DemoOverTestServer.Topic, DemoOverTestServer.Group))}");

        // Messages sent to both partitions, the silent one's included, are processed by the survivor.
        var storesBefore = _server.CommandsOf(survivor).Count(code => code == IggyCommandCodes.StoreConsumerOffset);
        using (var producer = await _demo.PlainClientAsync())
        {
            await _demo.SendAsync(producer, 6);
        }

        await _demo.WaitUntilAsync(AllStored, $"client {survivor} to process the 6 messages sent after client {silent} went silent (partitions {string.Join(",", silentPartitions)} were its)");
        Assert.True(_server.CommandsOf(survivor).Count(code => code == IggyCommandCodes.StoreConsumerOffset) > storesBefore);
        Assert.All(_server.Commands.Skip(commandsAtMute).Where(command => command.ClientId == silent), command => Assert.IsType<IggyFault.NoAnswer>(command.Fault));
        Assert.Equal([survivor], Members().Select(member => member.ClientId));
    }

    private (long ClientId, IReadOnlyList<int> Partitions)[] Members() => _server.Inspect(model =>
        model.GetGroup(DemoOverTestServer.Stream, DemoOverTestServer.Topic, DemoOverTestServer.Group)?.Members.OrderBy(member => member.ClientId).Select(member => (member.ClientId, member.Partitions)).ToArray() ?? []);

    /// <summary>Every partition's log is covered by the group's stored offset.</summary>
    private bool AllStored() => _server.Inspect(model => model.Inspect(DemoOverTestServer.Stream, DemoOverTestServer.Topic).Partitions
        .All(partition => partition.Log.Count == 0
            || (partition.StoredOffsets.TryGetValue(DemoOverTestServer.Group, out var stored) && stored >= partition.CurrentOffset)));
}
