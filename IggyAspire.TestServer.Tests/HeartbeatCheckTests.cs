using IggyAspire.TestServer.Tcp;
using Microsoft.Extensions.Time.Testing;
using static IggyAspire.TestServer.Tests.RawIggyClient;

namespace IggyAspire.TestServer.Tests;

/// <summary>
/// Server 0.8.0's heartbeat check (shard/tasks/periodic/heartbeat_verifier.rs, off by default: config.toml:304-308) on a
/// fake clock: every interval, a client whose last heartbeat (its connection, then each ping) is older than 1.2 x interval
/// is deleted and leaves its groups; its socket stays open, a ping still answers OK and its next other command answers
/// 30 StaleClient and closes.
/// </summary>
public sealed class HeartbeatCheckTests : IAsyncDisposable
{
    private const string Stream = "orders";
    private const string Topic = "events";
    private const string Group = "workers";
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly FakeTimeProvider _clock = new();
    private readonly IggyTcpServer _server;

    public HeartbeatCheckTests() =>
        _server = IggyTcpServer.Start(new IggyTcpServerOptions { TimeProvider = _clock, HeartbeatInterval = Interval });

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_client_that_pings_stays_and_one_that_does_not_is_deleted_after_1_2_intervals_leaving_its_group()
    {
        await using var pinger = await JoinedAsync(create: true);
        await using var silent = await JoinedAsync(create: false);
        Assert.Equal("client 1 [0]; client 2 [1]", _server.Inspect(model => model.DescribeGroup(Stream, Topic, Group)));

        // 100 ms: the pinger pings; 250 ms (one interval): the first check keeps both (heartbeat_to = -50 ms).
        _clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal((0, 0), Shape(await pinger.CallAsync(IggyCommandCodes.Ping, [])));
        _clock.Advance(TimeSpan.FromMilliseconds(150));
        Assert.Equal([1L, 2L], _server.ConnectedClientIds);

        // 299 ms: still before 1.2 x interval, and no check runs between intervals.
        _clock.Advance(TimeSpan.FromMilliseconds(49));
        Assert.Equal([1L, 2L], _server.ConnectedClientIds);

        // 350 ms: the pinger pings again; 500 ms: the second check (heartbeat_to = 200 ms) deletes the silent client only.
        _clock.Advance(TimeSpan.FromMilliseconds(51));
        Assert.Equal((0, 0), Shape(await pinger.CallAsync(IggyCommandCodes.Ping, [])));
        _clock.Advance(TimeSpan.FromMilliseconds(150));
        Assert.Equal([1L], _server.ConnectedClientIds);
        Assert.Equal([2L], _server.Inspect(model => model.DeletedStaleClients.ToArray()));
        Assert.Equal("client 1 [0,1]", _server.Inspect(model => model.DescribeGroup(Stream, Topic, Group)));

        // Several more intervals: a client that keeps pinging is never deleted.
        for (var i = 0; i < 8; i++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(200));
            Assert.Equal((0, 0), Shape(await pinger.CallAsync(IggyCommandCodes.Ping, [])));
        }

        Assert.Equal([1L], _server.ConnectedClientIds);

        // The deleted client's socket is left open (delete_client closes nothing): a ping answers OK (ping_handler.rs:34-40),
        // the next command that checks the session answers 30 StaleClient and the server closes (connection_handler.rs:138-142).
        Assert.False(await silent.ReceivesAnythingAsync(TimeSpan.FromMilliseconds(200)));
        Assert.Equal((0, 0), Shape(await silent.CallAsync(IggyCommandCodes.Ping, [])));
        Assert.Equal((30, 0), Shape(await silent.CallAsync(IggyCommandCodes.PollMessages, Poll(2, Id(Group), Id(Stream), Id(Topic), null, 5, 0, 10))));
        Assert.True(await silent.IsClosedByServerAsync(Bound));
        Assert.Equal("client 1 [0,1]", _server.Inspect(model => model.DescribeGroup(Stream, Topic, Group)));
    }

    [Fact]
    public async Task Other_commands_do_not_count_as_heartbeats()
    {
        await using var client = await JoinedAsync(create: true);
        for (var i = 0; i < 3; i++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(100));
            Assert.Equal(0, (await client.CallAsync(IggyCommandCodes.PollMessages, Poll(2, Id(Group), Id(Stream), Id(Topic), null, 5, 0, 10))).Status);
        }

        // 300 ms: only one check has run (250 ms, heartbeat_to = -50 ms); the one at 500 ms deletes the client though it polled.
        Assert.Equal([1L], _server.ConnectedClientIds);
        _clock.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Empty(_server.ConnectedClientIds);
        Assert.Equal("no members", _server.Inspect(model => model.DescribeGroup(Stream, Topic, Group)));
        Assert.Equal((30, 0), Shape(await client.CallAsync(IggyCommandCodes.PollMessages, Poll(2, Id(Group), Id(Stream), Id(Topic), null, 5, 0, 10))));
    }

    [Fact]
    public async Task The_check_is_off_by_default()
    {
        var clock = new FakeTimeProvider();
        await using var server = IggyTcpServer.Start(new IggyTcpServerOptions { TimeProvider = clock });
        await using var client = await ConnectAsync(server.Port);
        Assert.Equal(0, (await client.CallAsync(IggyCommandCodes.LoginUser, Login("iggy", "iggy"))).Status);
        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(0, (await client.CallAsync(IggyCommandCodes.GetClusterMetadata, [])).Status);
        Assert.Single(server.ConnectedClientIds);
    }

    private static (int Status, int Length) Shape((int Status, byte[] Body) answer) => (answer.Status, answer.Body.Length);

    private async Task<RawIggyClient> JoinedAsync(bool create)
    {
        var client = await ConnectAsync(_server.Port);
        Assert.Equal(0, (await client.CallAsync(IggyCommandCodes.LoginUser, Login("iggy", "iggy"))).Status);
        if (create)
        {
            Assert.Equal(0, (await client.CallAsync(IggyCommandCodes.CreateStream, Name(Stream))).Status);
            Assert.Equal(0, (await client.CallAsync(IggyCommandCodes.CreateTopic, CreateTopic(Id(Stream), Topic, 2))).Status);
            Assert.Equal(0, (await client.CallAsync(IggyCommandCodes.CreateConsumerGroup, [.. Id(Stream), .. Id(Topic), .. Name(Group)])).Status);
        }

        Assert.Equal(0, (await client.CallAsync(IggyCommandCodes.JoinConsumerGroup, [.. Id(Stream), .. Id(Topic), .. Id(Group)])).Status);
        return client;
    }
}
