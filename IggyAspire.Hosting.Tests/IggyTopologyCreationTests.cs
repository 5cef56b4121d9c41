using System.Net;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IggyAspire.Hosting.Tests;

public sealed class IggyTopologyCreationTests
{
    [Fact]
    public async Task When_the_server_is_ready_it_logs_in_then_creates_stream_topic_and_group_in_order_with_the_token()
    {
        await using var server = await IggyTestServers.StartAsync();
        using var topology = IggyTopologyApp.Create(server);

        await topology.ServerReadyAsync();

        var requests = server.Requests.ToList();
        Assert.Equal(
            ["POST /users/login", "POST /streams", "POST /streams/demo-stream/topics", "POST /streams/demo-stream/topics/demo-topic/consumer-groups"],
            requests.Select(r => $"{r.Method} {r.Path}"));
        Assert.Equal(("iggy", "secret"), ((string?)requests[0].Json!["username"], (string?)requests[0].Json!["password"]));
        Assert.All(requests.Skip(1), r => Assert.Equal($"Bearer {server.IssuedTokens.Single()}", r.Authorization));
        Assert.Equal("demo-stream", (string?)requests[1].Json!["name"]);
        var topic = requests[2].Json!;
        Assert.Equal(("demo-topic", 3, "none", 0UL, 0UL), ((string?)topic["name"], (int)topic["partitions_count"]!, (string?)topic["compression_algorithm"], (ulong)topic["message_expiry"]!, (ulong)topic["max_topic_size"]!));
        Assert.Equal("demo-consumers", (string?)requests[3].Json!["name"]);
        Assert.Equal(3, server.PartitionsOf("demo-stream", "demo-topic"));
        Assert.Contains("demo-consumers", server.GroupsOf("demo-stream", "demo-topic"));
    }

    [Fact]
    public async Task Each_child_runs_and_turns_healthy_only_once_created()
    {
        await using var server = await IggyTestServers.StartAsync();
        using var topology = IggyTopologyApp.Create(server);
        IResource[] children = [topology.Stream, topology.Topic, topology.Group];

        foreach (var child in children)
        {
            var before = await topology.HealthOfAsync(child);
            Assert.Equal(HealthStatus.Unhealthy, before.Status);
            Assert.Contains("waiting for the Iggy server", before.Description, StringComparison.Ordinal);
        }

        await topology.ServerReadyAsync();

        foreach (var child in children)
        {
            Assert.Equal(KnownResourceStates.Running, topology.StateOf(child));
            Assert.Equal(HealthStatus.Healthy, (await topology.HealthOfAsync(child)).Status);
        }

        const string created = "Topic 'demo-topic' of stream 'demo-stream': created with 3 partitions.";
        Assert.Contains(created, await topology.LogOfAsync(topology.Topic, created), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entities_that_already_exist_count_as_created()
    {
        await using var server = await IggyTestServers.StartAsync();
        server.AddTopic("demo-stream", "demo-topic", 3, "demo-consumers");
        using var topology = IggyTopologyApp.Create(server);

        await topology.ServerReadyAsync();

        foreach (var child in new IResource[] { topology.Stream, topology.Topic, topology.Group })
        {
            Assert.Equal(KnownResourceStates.Running, topology.StateOf(child));
            Assert.Equal(HealthStatus.Healthy, (await topology.HealthOfAsync(child)).Status);
        }

        // The existing topic's partitions were checked: handlers answered 1012, 2013 and 5004 to the creates.
        Assert.Contains(server.Requests, r => r is { Method: "GET", Path: "/streams/demo-stream/topics/demo-topic" });
        Assert.Contains("already exists with 3 partitions", await topology.LogOfAsync(topology.Topic, "already exists with 3 partitions"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_topic_that_exists_with_other_partitions_fails_to_start_naming_both_counts_and_its_group_is_not_created()
    {
        await using var server = await IggyTestServers.StartAsync();
        server.AddTopic("demo-stream", "demo-topic", 5);
        using var topology = IggyTopologyApp.Create(server, partitions: 3);

        await topology.ServerReadyAsync();

        Assert.Equal(KnownResourceStates.Running, topology.StateOf(topology.Stream));
        Assert.Equal(KnownResourceStates.FailedToStart, topology.StateOf(topology.Topic));
        var health = await topology.HealthOfAsync(topology.Topic);
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Contains("already exists with 5 partitions, but the AppHost declares 3", health.Description, StringComparison.Ordinal);
        Assert.Contains("already exists with 5 partitions, but the AppHost declares 3", await topology.LogOfAsync(topology.Topic, "declares 3"), StringComparison.Ordinal);

        Assert.Equal(KnownResourceStates.FailedToStart, topology.StateOf(topology.Group));
        Assert.Equal(HealthStatus.Unhealthy, (await topology.HealthOfAsync(topology.Group)).Status);
        Assert.DoesNotContain(server.Requests, r => r.Path.EndsWith("/consumer-groups", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_refused_login_fails_every_child_without_the_password_in_state_or_log()
    {
        await using var server = await IggyTestServers.StartAsync(password: "the-real-one");
        using var topology = IggyTopologyApp.Create(server, password: "wrong-password");

        await topology.ServerReadyAsync();

        foreach (var child in new IResource[] { topology.Stream, topology.Topic, topology.Group })
        {
            Assert.Equal(KnownResourceStates.FailedToStart, topology.StateOf(child));
            var health = await topology.HealthOfAsync(child);
            Assert.Contains("Iggy error 42 (invalid_credentials)", health.Description, StringComparison.Ordinal);
            var log = await topology.LogOfAsync(child, "cannot log in");
            Assert.Contains("cannot log in to 'iggy'", log, StringComparison.Ordinal);
            Assert.DoesNotContain("wrong-password", log + health.Description, StringComparison.Ordinal);
        }

        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_server_that_does_not_answer_fails_every_child_with_the_reason()
    {
        await using var server = await IggyTestServers.StartAsync();
        using var topology = IggyTopologyApp.Create(server);
        IggyEndpoints.Allocate(topology.Iggy, "http", ClosedPort(), "127.0.0.1");

        await topology.ServerReadyAsync();

        Assert.Equal(KnownResourceStates.FailedToStart, topology.StateOf(topology.Topic));
        Assert.Contains("cannot log in to 'iggy'", (await topology.HealthOfAsync(topology.Topic)).Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Becoming_ready_again_creates_again_and_stays_healthy()
    {
        await using var server = await IggyTestServers.StartAsync();
        using var topology = IggyTopologyApp.Create(server);

        await topology.ServerReadyAsync();
        server.Change(model => model.DeleteStream("demo-stream"));
        await topology.ServerReadyAsync();

        Assert.Equal(3, server.PartitionsOf("demo-stream", "demo-topic"));
        Assert.Equal(HealthStatus.Healthy, (await topology.HealthOfAsync(topology.Group)).Status);
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
