using System.Net;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using IggyAspire.TestServer.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IggyAspire.Hosting.Tests;

/// <summary>
/// Issue 21, defect 2: a topic that already exists (the usual case with a data volume) gets the message expiry and
/// maximum size the AppHost declares, by server 0.8.0's <c>PUT /streams/{stream}/topics/{topic}</c>
/// (core/server/src/http/topics.rs:50-53, 183-214), and says so; a setting left null keeps the server's value.
/// </summary>
public sealed class IggyExistingTopicTests
{
    private const string UpdatePath = "/streams/demo-stream/topics/demo-topic";
    private const ulong Hour = 3_600_000_000;
    private const ulong FiveGiB = 5UL << 30;

    [Fact]
    public async Task An_existing_topic_with_another_expiry_and_size_gets_the_declared_ones_and_runs_saying_what_changed()
    {
        await using var server = await IggyTestServers.StartAsync();
        ExistingTopic(server, partitions: 3, messageExpiry: Hour, maxTopicSize: ulong.MaxValue, compression: 2, replicationFactor: 2);
        using var topology = IggyTopologyApp.Create(server, topic: stream => stream.AddTopic("demo-topic", 3, messageExpiry: TimeSpan.FromSeconds(90), maxSizeBytes: 2_000_000_000));

        await topology.ServerReadyAsync();

        var update = Assert.Single(server.Requests, request => request.Method == "PUT");
        Assert.Equal((UpdatePath, 204), (update.Path, update.Status));
        // The name, the compression and the replication factor are the topic's own, sent back unchanged.
        var body = update.Json!;
        Assert.Equal(("demo-topic", "gzip", 90_000_000UL, 2_000_000_000UL, 2), ((string?)body["name"], (string?)body["compression_algorithm"], (ulong)body["message_expiry"]!, (ulong)body["max_topic_size"]!, (int)body["replication_factor"]!));
        var stored = server.Inspect(model => model.GetTopic("demo-stream", "demo-topic")!);
        Assert.Equal((90_000_000UL, 2_000_000_000UL, (byte)2, (byte)2, 3), (stored.MessageExpiry, stored.MaxTopicSize, stored.CompressionAlgorithm, stored.ReplicationFactor, stored.Partitions.Count));

        Assert.Equal(KnownResourceStates.Running, topology.StateOf(topology.Topic));
        Assert.Equal(HealthStatus.Healthy, (await topology.HealthOfAsync(topology.Topic)).Status);
        const string said = "Topic 'demo-topic' of stream 'demo-stream': already exists with 3 partitions; updated message expiry from 01:00:00 to 00:01:30 and max topic size from unlimited to 2000000000 bytes.";
        Assert.Contains(said, await topology.LogOfAsync(topology.Topic, "updated"), StringComparison.Ordinal);
        Assert.Equal(KnownResourceStates.Running, topology.StateOf(topology.Group));
    }

    [Theory]
    [InlineData(90_000_000UL, 2_000_000_000UL, 90L, 2_000_000_000L)]
    // Created with the server's defaults, which 0.8.0 resolves to never expire and unlimited (config.toml:448-454).
    [InlineData(ulong.MaxValue, ulong.MaxValue, -1L, -1L)]
    public async Task An_existing_topic_with_the_declared_settings_gets_no_update(ulong existingExpiry, ulong existingSize, long declaredSeconds, long declaredSize)
    {
        await using var server = await IggyTestServers.StartAsync();
        ExistingTopic(server, partitions: 3, messageExpiry: existingExpiry, maxTopicSize: existingSize);
        var expiry = declaredSeconds < 0 ? IggyTopicResource.NeverExpire : TimeSpan.FromSeconds(declaredSeconds);
        var size = declaredSize < 0 ? IggyTopicResource.UnlimitedSize : declaredSize;
        using var topology = IggyTopologyApp.Create(server, topic: stream => stream.AddTopic("demo-topic", 3, messageExpiry: expiry, maxSizeBytes: size));

        await topology.ServerReadyAsync();

        Assert.DoesNotContain(server.Requests, request => request.Method == "PUT");
        Assert.Equal(KnownResourceStates.Running, topology.StateOf(topology.Topic));
        var log = await topology.LogOfAsync(topology.Topic, "already exists");
        Assert.Contains("Topic 'demo-topic' of stream 'demo-stream': already exists with 3 partitions.", log, StringComparison.Ordinal);
        Assert.DoesNotContain("updated", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_setting_left_null_keeps_the_existing_value()
    {
        await using var server = await IggyTestServers.StartAsync();
        ExistingTopic(server, partitions: 3, messageExpiry: Hour, maxTopicSize: FiveGiB);
        using var topology = IggyTopologyApp.Create(server, topic: stream => stream.AddTopic("demo-topic", 3, messageExpiry: TimeSpan.FromSeconds(90)));

        await topology.ServerReadyAsync();

        var body = Assert.Single(server.Requests, request => request.Method == "PUT").Json!;
        Assert.Equal((90_000_000UL, FiveGiB), ((ulong)body["message_expiry"]!, (ulong)body["max_topic_size"]!));
        Assert.Equal(FiveGiB, server.Inspect(model => model.GetTopic("demo-stream", "demo-topic")!.MaxTopicSize));
        const string said = "already exists with 3 partitions; updated message expiry from 01:00:00 to 00:01:30.";
        Assert.Contains(said, await topology.LogOfAsync(topology.Topic, "updated"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_topic_declared_without_settings_leaves_an_existing_topics_own()
    {
        await using var server = await IggyTestServers.StartAsync();
        ExistingTopic(server, partitions: 3, messageExpiry: Hour, maxTopicSize: FiveGiB);
        using var topology = IggyTopologyApp.Create(server);

        await topology.ServerReadyAsync();

        Assert.DoesNotContain(server.Requests, request => request.Method == "PUT");
        Assert.Equal((Hour, FiveGiB), server.Inspect(model => (model.GetTopic("demo-stream", "demo-topic")!.MessageExpiry, model.GetTopic("demo-stream", "demo-topic")!.MaxTopicSize)));
        Assert.Equal(KnownResourceStates.Running, topology.StateOf(topology.Topic));
    }

    [Fact]
    public async Task A_refused_update_fails_the_topic_with_the_servers_reason_and_its_group_waits()
    {
        await using var server = await IggyTestServers.StartAsync();
        ExistingTopic(server, partitions: 3, messageExpiry: Hour, maxTopicSize: ulong.MaxValue);
        // A user without manage_topic is refused by perm_update_topic (execution.rs:275-277, metadata/reader.rs:1061-1068,
        // 1089-1119) with Unauthorized, id 41, a 403 (http/error.rs:63).
        server.Faults.Push(IggyHttpRoutes.UpdateTopic, IggyHttpFault.Refuse((int)HttpStatusCode.Forbidden, 41, "unauthorized", "Unauthorized"));
        using var topology = IggyTopologyApp.Create(server, topic: stream => stream.AddTopic("demo-topic", 3, messageExpiry: TimeSpan.FromSeconds(90)));

        await topology.ServerReadyAsync();

        Assert.Equal(KnownResourceStates.FailedToStart, topology.StateOf(topology.Topic));
        var health = await topology.HealthOfAsync(topology.Topic);
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Equal("Updating topic 'demo-topic' of stream 'demo-stream' failed: HTTP 403, Iggy error 41 (unauthorized): Unauthorized", health.Description);
        Assert.Contains("could not be created: Updating topic 'demo-topic'", await topology.LogOfAsync(topology.Topic, "could not be created"), StringComparison.Ordinal);
        Assert.Equal(Hour, server.Inspect(model => model.GetTopic("demo-stream", "demo-topic")!.MessageExpiry));
        Assert.Equal(KnownResourceStates.FailedToStart, topology.StateOf(topology.Group));
        Assert.Equal("its topic 'demo-topic' is not ready", (await topology.HealthOfAsync(topology.Group)).Description);
    }

    [Fact]
    public async Task Another_partition_count_still_fails_and_nothing_is_updated()
    {
        await using var server = await IggyTestServers.StartAsync();
        ExistingTopic(server, partitions: 5, messageExpiry: Hour, maxTopicSize: ulong.MaxValue);
        using var topology = IggyTopologyApp.Create(server, topic: stream => stream.AddTopic("demo-topic", 3, messageExpiry: TimeSpan.FromSeconds(90)));

        await topology.ServerReadyAsync();

        Assert.Equal(KnownResourceStates.FailedToStart, topology.StateOf(topology.Topic));
        Assert.Contains("already exists with 5 partitions, but the AppHost declares 3", (await topology.HealthOfAsync(topology.Topic)).Description, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Requests, request => request.Method == "PUT");
        Assert.Equal(Hour, server.Inspect(model => model.GetTopic("demo-stream", "demo-topic")!.MessageExpiry));
    }

    /// <summary>The topic an earlier run left on the data volume, with its settings as the server stores them.</summary>
    private static void ExistingTopic(IggyHttpServer server, int partitions, ulong messageExpiry, ulong maxTopicSize, byte compression = 1, byte replicationFactor = 1) =>
        server.Change(model =>
        {
            model.CreateStream("demo-stream");
            model.CreateTopic("demo-stream", "demo-topic", (uint)partitions, compression, messageExpiry, maxTopicSize, replicationFactor);
        });
}
