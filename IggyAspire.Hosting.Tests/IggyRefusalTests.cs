using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using IggyAspire.TestServer.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IggyAspire.Hosting.Tests;

/// <summary>
/// What the AppHost shows when the server refuses one call of the creation or of a command: which call, the server's
/// own words, and what that means for the entities after it. The test server answers a scripted fault in place of its route.
/// </summary>
public sealed class IggyRefusalTests
{
    [Fact]
    public async Task A_refused_stream_fails_it_with_the_servers_reason_and_its_topic_and_group_name_why_they_wait()
    {
        await using var server = await IggyTestServers.StartAsync();
        // Server 0.8.0 answers every IggyError it maps with 400, 401, 403 or 404, never 500 (http/error.rs:43-64): the
        // generic Error (id 1) is a 400.
        server.Faults.Push(IggyHttpRoutes.CreateStream, Refuse(HttpStatusCode.BadRequest, 1, "error", "Error"));
        using var topology = IggyTopologyApp.Create(server);

        await topology.ServerReadyAsync();

        Assert.Equal([KnownResourceStates.FailedToStart, KnownResourceStates.FailedToStart, KnownResourceStates.FailedToStart], new IResource[] { topology.Stream, topology.Topic, topology.Group }.Select(topology.StateOf));
        Assert.Equal("Creating stream 'demo-stream' failed: HTTP 400, Iggy error 1 (error): Error", (await topology.HealthOfAsync(topology.Stream)).Description);
        Assert.Equal("its stream 'demo-stream' was not created", (await topology.HealthOfAsync(topology.Topic)).Description);
        Assert.Equal("its topic 'demo-topic' is not ready", (await topology.HealthOfAsync(topology.Group)).Description);
        Assert.Contains("Stream 'demo-stream' could not be created: Creating stream 'demo-stream' failed", await topology.LogOfAsync(topology.Stream, "could not be created"), StringComparison.Ordinal);
        Assert.Contains("Topic 'demo-topic' of stream 'demo-stream' could not be created: its stream 'demo-stream' was not created", await topology.LogOfAsync(topology.Topic, "could not be created"), StringComparison.Ordinal);
        Assert.Contains("Consumer group 'demo-consumers' of topic 'demo-topic' could not be created: its topic 'demo-topic' is not ready", await topology.LogOfAsync(topology.Group, "could not be created"), StringComparison.Ordinal);
        Assert.Equal(["POST /users/login", "POST /streams"], server.Requests.Select(r => $"{r.Method} {r.Path}"));
    }

    [Fact]
    public async Task A_topic_refused_without_an_iggy_error_body_fails_with_the_http_status()
    {
        await using var server = await IggyTestServers.StartAsync();
        server.Faults.Push(IggyHttpRoutes.CreateTopic, IggyHttpFault.Answer(422, "Failed to deserialize the JSON body into the target type"));
        using var topology = IggyTopologyApp.Create(server);

        await topology.ServerReadyAsync();

        Assert.Equal(KnownResourceStates.Running, topology.StateOf(topology.Stream));
        Assert.Equal(KnownResourceStates.FailedToStart, topology.StateOf(topology.Topic));
        Assert.Equal("Creating topic 'demo-topic' in stream 'demo-stream' failed: HTTP 422 UnprocessableEntity.", (await topology.HealthOfAsync(topology.Topic)).Description);
        Assert.Equal("its topic 'demo-topic' is not ready", (await topology.HealthOfAsync(topology.Group)).Description);
    }

    [Fact]
    public async Task An_existing_topic_whose_partitions_cannot_be_read_fails_saying_so()
    {
        await using var server = await IggyTestServers.StartAsync();
        server.AddTopic("demo-stream", "demo-topic", 3);
        // error.rs:63: 403 is Unauthorized, id 41 (iggy_error.rs:92); the fake's id 40 is Unauthenticated, which is 401.
        server.Faults.Push(IggyHttpRoutes.GetTopic, Refuse(HttpStatusCode.Forbidden, 41, "unauthorized", "Unauthorized"));
        using var topology = IggyTopologyApp.Create(server);

        await topology.ServerReadyAsync();

        Assert.Equal(KnownResourceStates.FailedToStart, topology.StateOf(topology.Topic));
        Assert.Equal("Reading topic 'demo-topic' of stream 'demo-stream' failed: HTTP 403, Iggy error 41 (unauthorized): Unauthorized", (await topology.HealthOfAsync(topology.Topic)).Description);
        Assert.Equal(KnownResourceStates.FailedToStart, topology.StateOf(topology.Group));
    }

    [Fact]
    public async Task A_refused_group_fails_alone_naming_its_topic_and_stream()
    {
        await using var server = await IggyTestServers.StartAsync();
        server.Faults.Push(IggyHttpRoutes.CreateConsumerGroup, Refuse(HttpStatusCode.BadRequest, 5005, "invalid_consumer_group_name", "Invalid consumer group name"));
        using var topology = IggyTopologyApp.Create(server);

        await topology.ServerReadyAsync();

        Assert.Equal([KnownResourceStates.Running, KnownResourceStates.Running, KnownResourceStates.FailedToStart], new IResource[] { topology.Stream, topology.Topic, topology.Group }.Select(topology.StateOf));
        Assert.Equal(
            "Creating consumer group 'demo-consumers' on topic 'demo-topic' of stream 'demo-stream' failed: HTTP 400, Iggy error 5005 (invalid_consumer_group_name): Invalid consumer group name",
            (await topology.HealthOfAsync(topology.Group)).Description);
    }

    [Fact]
    public async Task A_login_answer_without_a_token_fails_every_child()
    {
        await using var server = await IggyTestServers.StartAsync();
        // Not an answer 0.8.0 gives (mapper.rs:104-112 always fills the token): scripted, to check the client refuses it.
        server.Faults.Push(IggyHttpRoutes.Login, IggyHttpFault.Answer(200, """{"user_id":0,"access_token":{"token":null,"expiry":0}}""", "application/json"));
        using var topology = IggyTopologyApp.Create(server);

        await topology.ServerReadyAsync();

        foreach (var child in new IResource[] { topology.Stream, topology.Topic, topology.Group })
        {
            Assert.Equal(KnownResourceStates.FailedToStart, topology.StateOf(child));
            Assert.Equal("cannot log in to 'iggy': The Iggy server's login answer has no access token.", (await topology.HealthOfAsync(child)).Description);
        }

        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_refused_login_says_logging_in_failed_with_the_servers_reason()
    {
        await using var server = await IggyTestServers.StartAsync(password: "the-real-one");
        using var topology = IggyTopologyApp.Create(server, password: "wrong-password");

        await topology.ServerReadyAsync();

        Assert.Equal(
            "cannot log in to 'iggy': Logging in failed: HTTP 400, Iggy error 42 (invalid_credentials): Invalid credentials",
            (await topology.HealthOfAsync(topology.Stream)).Description);
    }

    [Fact]
    public async Task Each_entity_shows_creating_while_its_call_is_in_flight()
    {
        await using var server = await IggyTestServers.StartAsync();
        using var topology = IggyTopologyApp.Create(server);
        var seen = new ConcurrentDictionary<string, string?>();
        foreach (var (route, entity) in new (string, IResource)[] { (IggyHttpRoutes.CreateStream, topology.Stream), (IggyHttpRoutes.CreateTopic, topology.Topic), (IggyHttpRoutes.CreateConsumerGroup, topology.Group) })
        {
            server.Faults.Push(route, IggyHttpFault.RunFirst(() =>
            {
                seen[entity.Name] = topology.StateOf(entity);
                return Task.CompletedTask;
            }));
        }

        await topology.ServerReadyAsync();

        Assert.Equal(("Creating", "Creating", "Creating"), (seen.GetValueOrDefault("demo-stream"), seen.GetValueOrDefault("demo-topic"), seen.GetValueOrDefault("demo-consumers")));
    }

    [Fact]
    public async Task Becoming_ready_again_makes_each_child_unhealthy_until_it_is_created_again()
    {
        await using var server = await IggyTestServers.StartAsync();
        using var topology = IggyTopologyApp.Create(server);
        await topology.ServerReadyAsync();
        Assert.Equal(HealthStatus.Healthy, (await topology.HealthOfAsync(topology.Group)).Status);
        HealthReportEntry? during = null;
        server.Faults.Push(IggyHttpRoutes.CreateStream, IggyHttpFault.RunFirst(async () => during = await topology.HealthOfAsync(topology.Group)));

        await topology.ServerReadyAsync();

        Assert.Equal(HealthStatus.Unhealthy, during?.Status);
        Assert.Equal("not created yet: the Iggy server just became ready", during?.Description);
        Assert.Equal(HealthStatus.Healthy, (await topology.HealthOfAsync(topology.Group)).Status);
    }

    [Fact]
    public async Task Creation_logs_what_it_found_for_the_stream_and_the_group()
    {
        await using var created = await IggyTestServers.StartAsync();
        using (var topology = IggyTopologyApp.Create(created))
        {
            await topology.ServerReadyAsync();

            Assert.Contains("Stream 'demo-stream': created.", await topology.LogOfAsync(topology.Stream, ": created."), StringComparison.Ordinal);
            Assert.Contains("Consumer group 'demo-consumers' of topic 'demo-topic': created.", await topology.LogOfAsync(topology.Group, ": created."), StringComparison.Ordinal);
        }

        await using var existing = await IggyTestServers.StartAsync();
        existing.AddTopic("demo-stream", "demo-topic", 3, "demo-consumers");
        using (var topology = IggyTopologyApp.Create(existing))
        {
            await topology.ServerReadyAsync();

            Assert.Contains("Stream 'demo-stream': already exists.", await topology.LogOfAsync(topology.Stream, ": already exists."), StringComparison.Ordinal);
            Assert.Contains("Consumer group 'demo-consumers' of topic 'demo-topic': already exists.", await topology.LogOfAsync(topology.Group, ": already exists."), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_topic_with_an_expiry_and_a_size_is_created_with_them_in_microseconds_and_bytes()
    {
        await using var server = await IggyTestServers.StartAsync();
        var builder = AppModelBuilder.Create();
        builder.Configuration["Parameters:iggy-password"] = "secret";
        var iggy = builder.AddIggy("iggy");
        iggy.AddStream("s").AddTopic("t", 2, messageExpiry: TimeSpan.FromSeconds(90), maxSizeBytes: 2_000_000_000);
        using var app = builder.Build();
        IggyEndpoints.Allocate(iggy.Resource, "http", server.Port, "127.0.0.1");

        await builder.Eventing.PublishAsync(new ResourceReadyEvent(iggy.Resource, app.Services), TestContext.Current.CancellationToken);

        var topic = Assert.Single(server.Requests, r => r.Path == "/streams/s/topics").Json!;
        Assert.Equal((2, 90_000_000UL, 2_000_000_000UL), ((int)topic["partitions_count"]!, (ulong)topic["message_expiry"]!, (ulong)topic["max_topic_size"]!));
        Assert.True(topic.AsObject().ContainsKey("replication_factor"));
    }

    [Fact]
    public async Task Reset_offsets_shows_the_group_unhealthy_while_it_is_recreated()
    {
        await using var server = await IggyTestServers.StartAsync();
        using var topology = IggyTopologyApp.Create(server);
        await topology.ServerReadyAsync();
        HealthReportEntry? during = null;
        server.Faults.Push(IggyHttpRoutes.CreateConsumerGroup, IggyHttpFault.RunFirst(async () => during = await topology.HealthOfAsync(topology.Group)));

        var result = await ExecuteAsync(topology, topology.Group, "iggy-reset-offsets");

        Assert.True(result.Success, result.Message);
        Assert.Equal("Reset consumer group 'demo-consumers': its members replay topic 'demo-topic' from the start once they join again.", result.Message);
        Assert.Equal((HealthStatus.Unhealthy, "being recreated to reset its offsets"), (during?.Status, during?.Description));
    }

    [Fact]
    public async Task Reset_offsets_of_a_group_the_server_no_longer_has_fails_without_creating_it()
    {
        await using var server = await IggyTestServers.StartAsync();
        using var topology = IggyTopologyApp.Create(server);
        await topology.ServerReadyAsync();
        server.Change(model => model.DeleteConsumerGroup("demo-stream", "demo-topic", "demo-consumers"));
        var start = server.Requests.Count;

        var result = await ExecuteAsync(topology, topology.Group, "iggy-reset-offsets");

        Assert.False(result.Success);
        Assert.StartsWith("Deleting consumer group 'demo-consumers' failed: HTTP 404, Iggy error 5000 (consumer_group_id_not_found)", result.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Requests.Skip(start), r => r.Method == "POST" && r.Path.EndsWith("/consumer-groups", StringComparison.Ordinal));
        Assert.Contains("The command failed: Deleting consumer group 'demo-consumers' failed", await topology.LogOfAsync(topology.Group, "The command failed"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commands_say_what_they_did()
    {
        await using var server = await IggyTestServers.StartAsync();
        using var topology = IggyTopologyApp.Create(server);
        await topology.ServerReadyAsync();

        var sent = await ExecuteAsync(topology, topology.Topic, "iggy-send-test-message", Text("hello"));
        var purged = await ExecuteAsync(topology, topology.Topic, "iggy-purge-topic");
        var stats = await ExecuteAsync(topology, topology.Iggy, "iggy-server-stats");

        Assert.Equal((true, "Sent a test message to topic 'demo-topic'."), (sent.Success, sent.Message));
        Assert.Equal((true, "Purged topic 'demo-topic'."), (purged.Success, purged.Message));
        Assert.Equal((true, "Stats of 'iggy'."), (stats.Success, stats.Message));
        Assert.True(Assert.IsType<CommandResultData>(stats.Data).DisplayImmediately);
    }

    [Fact]
    public async Task Send_test_message_to_a_topic_the_server_no_longer_has_fails_naming_the_call_and_logs_it()
    {
        await using var server = await IggyTestServers.StartAsync();
        using var topology = IggyTopologyApp.Create(server);
        await topology.ServerReadyAsync();
        server.Change(model => model.DeleteTopic("demo-stream", "demo-topic"));

        var sent = await ExecuteAsync(topology, topology.Topic, "iggy-send-test-message", Text("hello"));
        var purged = await ExecuteAsync(topology, topology.Topic, "iggy-purge-topic");

        Assert.False(sent.Success);
        Assert.StartsWith("Sending a message to topic 'demo-topic' failed: HTTP 404, Iggy error 2010 (topic_id_not_found)", sent.Message, StringComparison.Ordinal);
        Assert.False(purged.Success);
        Assert.StartsWith("Purging topic 'demo-topic' failed: HTTP 404, Iggy error 2010 (topic_id_not_found)", purged.Message, StringComparison.Ordinal);
        Assert.Contains("The command failed: Sending a message to topic 'demo-topic' failed", await topology.LogOfAsync(topology.Topic, "The command failed: Sending"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_stats_the_server_refuses_fails_naming_the_call_and_logs_it()
    {
        await using var server = await IggyTestServers.StartAsync();
        server.Faults.Push(IggyHttpRoutes.Stats, IggyHttpFault.Answer(503));
        using var topology = IggyTopologyApp.Create(server);

        var result = await ExecuteAsync(topology, topology.Iggy, "iggy-server-stats");

        Assert.Equal((false, "Reading the server's stats failed: HTTP 503 ServiceUnavailable."), (result.Success, result.Message));
        Assert.Contains("The command failed: Reading the server's stats failed", await topology.LogOfAsync(topology.Iggy, "The command failed"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_on_a_server_that_does_not_answer_fails_and_logs_why()
    {
        await using var server = await IggyTestServers.StartAsync();
        using var topology = IggyTopologyApp.Create(server);
        using (var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            IggyEndpoints.Allocate(topology.Iggy, "http", ((IPEndPoint)listener.LocalEndpoint).Port, "127.0.0.1");
        }

        var result = await ExecuteAsync(topology, topology.Iggy, "iggy-server-stats");

        Assert.False(result.Success);
        Assert.Contains("The command failed", await topology.LogOfAsync(topology.Iggy, "The command failed"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_test_message_is_stamped_with_the_apps_clock()
    {
        await using var server = await IggyTestServers.StartAsync();
        var now = new DateTimeOffset(2026, 11, 27, 8, 30, 0, TimeSpan.Zero);
        using var topology = IggyTopologyApp.Create(server, configure: builder => builder.Services.AddSingleton<TimeProvider>(new FixedClock(now)));
        await topology.ServerReadyAsync();

        var result = await ExecuteAsync(topology, topology.Topic, "iggy-send-test-message", Text("hello"));

        Assert.True(result.Success, result.Message);
        var payload = Convert.FromBase64String((string)Assert.Single(server.Requests, r => r.Path.EndsWith("/messages", StringComparison.Ordinal)).Json!["messages"]![0]!["payload"]!);
        Assert.Equal(now, JsonNode.Parse(payload)!["ts"]!.GetValue<DateTimeOffset>());
    }

    private static IggyHttpFault Refuse(HttpStatusCode status, uint id, string code, string reason) => IggyHttpFault.Refuse((int)status, id, code, reason);

    private static InteractionInputCollection Text(string text) =>
        new([new InteractionInput { Name = "text", InputType = InputType.Text, Value = text }]);

    private static Task<ExecuteCommandResult> ExecuteAsync(IggyTopologyApp topology, IResource resource, string command, InteractionInputCollection? arguments = null) =>
        topology.App.Services.GetRequiredService<ResourceCommandService>()
            .ExecuteCommandAsync(resource, command, arguments ?? new InteractionInputCollection([]), TestContext.Current.CancellationToken);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
