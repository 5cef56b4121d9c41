using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using IggyAspire.TestServer.Model;
using Microsoft.Extensions.DependencyInjection;

namespace IggyAspire.Hosting.Tests;

public sealed class IggyCommandTests
{
    [Fact]
    public async Task Send_test_message_posts_one_balanced_base64_json_message_with_the_text()
    {
        await using var server = await IggyTestServers.StartAsync();
        using var topology = IggyTopologyApp.Create(server);
        await topology.ServerReadyAsync();
        var before = DateTimeOffset.UtcNow;

        var result = await ExecuteAsync(topology, topology.Topic, "iggy-send-test-message", new InteractionInputCollection([new InteractionInput { Name = "text", InputType = InputType.Text, Value = "hello \"dashboard\"" }]));

        Assert.True(result.Success, result.Message);
        var send = Assert.Single(server.Requests, r => r.Path == "/streams/demo-stream/topics/demo-topic/messages");
        Assert.Equal(("POST", server.LatestBearer()), (send.Method, send.Authorization));
        Assert.Equal(("balanced", ""), ((string?)send.Json!["partitioning"]!["kind"], (string?)send.Json!["partitioning"]!["value"]));
        var message = Assert.Single(send.Json!["messages"]!.AsArray())!;
        Assert.Equal(0, (int)message["id"]!);
        using var payload = JsonDocument.Parse(Convert.FromBase64String((string)message["payload"]!));
        Assert.Equal(["id", "text", "ts"], payload.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0, payload.RootElement.GetProperty("id").GetInt64());
        Assert.Equal("hello \"dashboard\"", payload.RootElement.GetProperty("text").GetString());
        var ts = payload.RootElement.GetProperty("ts").GetDateTimeOffset();
        Assert.InRange(ts, before, DateTimeOffset.UtcNow);
        Assert.Equal(1, server.MessagesOf("demo-stream", "demo-topic"));
    }

    [Fact]
    public async Task Send_test_message_without_text_sends_nothing()
    {
        await using var server = await IggyTestServers.StartAsync();
        using var topology = IggyTopologyApp.Create(server);
        await topology.ServerReadyAsync();

        var result = await ExecuteAsync(topology, topology.Topic, "iggy-send-test-message", new InteractionInputCollection([new InteractionInput { Name = "text", InputType = InputType.Text, Value = "" }]));

        Assert.False(result.Success);
        Assert.DoesNotContain(server.Requests, r => r.Path.EndsWith("/messages", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Purge_deletes_the_topics_messages_through_the_purge_route()
    {
        await using var server = await IggyTestServers.StartAsync();
        using var topology = IggyTopologyApp.Create(server);
        await topology.ServerReadyAsync();
        server.Change(model => model.AppendStateless("demo-stream", "demo-topic", [new AppendedMessage(0, [1, 2, 3], [], 0)], "test", partitionId: null));

        var result = await ExecuteAsync(topology, topology.Topic, "iggy-purge-topic");

        Assert.True(result.Success, result.Message);
        Assert.Contains(server.Requests, r => r is { Method: "DELETE", Path: "/streams/demo-stream/topics/demo-topic/purge" });
        Assert.Equal(0, server.MessagesOf("demo-stream", "demo-topic"));
    }

    [Fact]
    public async Task Purge_also_clears_the_groups_stored_offsets_and_its_description_says_so()
    {
        await using var server = await IggyTestServers.StartAsync();
        using var topology = IggyTopologyApp.Create(server);
        await topology.ServerReadyAsync();
        server.Change(model =>
        {
            model.AppendStateless("demo-stream", "demo-topic", [.. Enumerable.Range(0, 3).Select(id => new AppendedMessage((UInt128)id, [1], [], 0))], "test", partitionId: 0);
            model.Inspect("demo-stream", "demo-topic").Partitions[0].StoredOffsets["demo-consumers"] = 1;
        });

        var result = await ExecuteAsync(topology, topology.Topic, "iggy-purge-topic");

        // Server 0.8.0's purge_topic clears every consumer and consumer-group offset (shard/system/topics.rs:198-228).
        Assert.True(result.Success, result.Message);
        Assert.Empty(server.Inspect(model => model.Inspect("demo-stream", "demo-topic").Partitions[0].StoredOffsets));
        var purge = topology.Topic.Annotations.OfType<ResourceCommandAnnotation>().Single(command => command.Name == "iggy-purge-topic");
        Assert.Contains("every stored offset", purge.DisplayDescription, StringComparison.Ordinal);
        Assert.DoesNotContain("offsets stay", purge.DisplayDescription, StringComparison.Ordinal);
        Assert.Contains("stored offset", purge.ConfirmationMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reset_offsets_deletes_the_group_then_creates_it_again()
    {
        await using var server = await IggyTestServers.StartAsync();
        using var topology = IggyTopologyApp.Create(server);
        await topology.ServerReadyAsync();
        var start = server.Requests.Count;

        var result = await ExecuteAsync(topology, topology.Group, "iggy-reset-offsets");

        Assert.True(result.Success, result.Message);
        Assert.Equal(
            ["POST /users/login", "DELETE /streams/demo-stream/topics/demo-topic/consumer-groups/demo-consumers", "POST /streams/demo-stream/topics/demo-topic/consumer-groups"],
            server.Requests.Skip(start).Select(r => $"{r.Method} {r.Path}"));
        Assert.Contains("demo-consumers", server.GroupsOf("demo-stream", "demo-topic"));
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, (await topology.HealthOfAsync(topology.Group)).Status);
    }

    [Fact]
    public async Task Server_stats_returns_a_markdown_summary_of_get_stats()
    {
        await using var server = await IggyTestServers.StartWithStatsAsync();
        using var topology = IggyTopologyApp.Create(server);

        var result = await ExecuteAsync(topology, topology.Iggy, "iggy-server-stats");

        Assert.True(result.Success, result.Message);
        Assert.Contains(server.Requests, r => r is { Method: "GET", Path: "/stats" } && r.Authorization == $"Bearer {server.IssuedTokens.Single()}");
        var data = Assert.IsType<CommandResultData>(result.Data);
        Assert.Equal(CommandResultFormat.Markdown, data.Format);
        Assert.Contains("| Server version | 0.8.0 |", data.Value, StringComparison.Ordinal);
        Assert.Contains("| Up for | 0.01:02:03 |", data.Value, StringComparison.Ordinal);
        Assert.Contains("| Started | 2026-01-01 00:00:00Z |", data.Value, StringComparison.Ordinal);
        Assert.Contains("| Messages | 42 |", data.Value, StringComparison.Ordinal);
        Assert.Contains("| Process memory | 52.4 MB |", data.Value, StringComparison.Ordinal);
        Assert.Contains("| System CPU | 12.5 % |", data.Value, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", data.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_the_server_refuses_fails_with_the_servers_reason()
    {
        await using var server = await IggyTestServers.StartAsync();
        using var topology = IggyTopologyApp.Create(server);
        await topology.ServerReadyAsync();
        server.Change(model => model.DeleteTopic("demo-stream", "demo-topic"));

        var result = await ExecuteAsync(topology, topology.Topic, "iggy-purge-topic");

        Assert.False(result.Success);
        Assert.Contains("Iggy error 2010 (topic_id_not_found)", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Topic_and_group_commands_are_enabled_once_created_and_running()
    {
        await using var server = await IggyTestServers.StartAsync();
        using var topology = IggyTopologyApp.Create(server);

        await topology.ServerReadyAsync();

        foreach (var command in IggyTopologyModelTests.Commands(topology.Topic).Concat(IggyTopologyModelTests.Commands(topology.Group)))
        {
            Assert.Equal(ResourceCommandState.Enabled, IggyTopologyModelTests.StateOf(command, KnownResourceStates.Running, topology.App.Services));
            Assert.Equal(ResourceCommandState.Disabled, IggyTopologyModelTests.StateOf(command, KnownResourceStates.Exited, topology.App.Services));
        }
    }

    private static Task<ExecuteCommandResult> ExecuteAsync(IggyTopologyApp topology, IResource resource, string command, InteractionInputCollection? arguments = null) =>
        topology.App.Services.GetRequiredService<ResourceCommandService>()
            .ExecuteCommandAsync(resource, command, arguments ?? new InteractionInputCollection([]), TestContext.Current.CancellationToken);
}
