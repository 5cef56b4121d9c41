using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IggyAspire.Hosting.Tests;

/// <summary>
/// An in-process stand-in for Iggy server 0.8.0's HTTP API, answering the routes the hosting integration calls exactly
/// as the server's axum handlers do (apache/iggy tag server-0.8.0; each route cites its handler). It keeps streams,
/// topics and groups in memory and records every request.
/// </summary>
internal sealed class FakeIggyHttpServer : IAsyncDisposable
{
    public const string Token = "fake-jwt";

    // create_topic.rs:37-55: serde requires every field but replication_factor (an Option).
    private static readonly string[] RequiredTopicFields = ["name", "partitions_count", "compression_algorithm", "message_expiry", "max_topic_size"];

    private readonly WebApplication _app;

    private FakeIggyHttpServer(WebApplication app) => _app = app;

    public string UserName { get; init; } = "iggy";

    public string Password { get; init; } = "secret";

    /// <summary>stream → topic → (partitions, groups).</summary>
    public ConcurrentDictionary<string, ConcurrentDictionary<string, FakeTopic>> Streams { get; } = new();

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>
    /// Sees each request once it is recorded and authorized; a result it returns answers the request instead of the
    /// route (a refusal the server could give), null lets the route answer. It may also wait, to look at the AppHost
    /// while a call is in flight.
    /// </summary>
    public Func<RecordedRequest, Task<IResult?>>? Intercept { get; set; }

    public Uri BaseAddress => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

    public int Port => BaseAddress.Port;

    public JsonObject Stats { get; set; } = new()
    {
        ["process_id"] = 7,
        ["cpu_usage"] = 1.5,
        ["total_cpu_usage"] = 12.5,
        ["memory_usage"] = "52.4 MB",
        ["total_memory"] = "16.0 GB",
        ["available_memory"] = "8.0 GB",
        ["run_time"] = 3_723_000_000UL,
        ["start_time"] = 1_767_225_600_000_000UL,
        ["read_bytes"] = "1.2 kB",
        ["written_bytes"] = "3.4 kB",
        ["messages_size_bytes"] = "2.0 kB",
        ["streams_count"] = 1,
        ["topics_count"] = 1,
        ["partitions_count"] = 3,
        ["segments_count"] = 3,
        ["messages_count"] = 42,
        ["clients_count"] = 2,
        ["consumer_groups_count"] = 1,
        ["hostname"] = "iggy-host",
        ["os_name"] = "Linux",
        ["os_version"] = "Debian 12",
        ["kernel_version"] = "6.6",
        ["iggy_server_version"] = "0.8.0",
        ["iggy_server_semver"] = 8000,
        ["cache_metrics"] = new JsonObject(),
        ["threads_count"] = 9,
        ["free_disk_space"] = "100 GB",
        ["total_disk_space"] = "200 GB",
    };

    public static async Task<FakeIggyHttpServer> StartAsync(string userName = "iggy", string password = "secret")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeIggyHttpServer(app) { UserName = userName, Password = password };
        server.Map(app);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return server;
    }

    public void AddTopic(string stream, string topic, int partitions, params string[] groups)
    {
        var topics = Streams.GetOrAdd(stream, _ => new());
        var fake = topics.GetOrAdd(topic, _ => new FakeTopic(partitions));
        foreach (var group in groups)
        {
            fake.Groups.TryAdd(group, 0);
        }
    }

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            context.Request.EnableBuffering();
            using var reader = new StreamReader(context.Request.Body, leaveOpen: true);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            context.Request.Body.Position = 0;
            var recorded = new RecordedRequest(context.Request.Method, Uri.UnescapeDataString(context.Request.Path.Value ?? ""), context.Request.Headers.Authorization.ToString(), body);
            Requests.Enqueue(recorded);

            // jwt/middleware.rs:36-70: every path but the public ones needs "Bearer <token>", else a bare 401.
            if (context.Request.Path != "/users/login" && context.Request.Headers.Authorization.ToString() != $"Bearer {Token}")
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            if (Intercept is { } intercept && await intercept(recorded) is { } answer)
            {
                await answer.ExecuteAsync(context);
                return;
            }

            await next(context);
        });

        // users.rs:65, 258-274: LoginUser {"username","password"} → IdentityInfo; a wrong password is IggyError
        // InvalidCredentials (42), which error.rs:48-66 maps to 400.
        app.MapPost("/users/login", async (HttpContext context) =>
        {
            var login = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            if ((string?)login?["username"] != UserName || (string?)login?["password"] != Password)
            {
                return Error(HttpStatusCode.BadRequest, 42, "invalid_credentials", "Invalid credentials");
            }

            return Results.Json(new JsonObject { ["user_id"] = 0, ["access_token"] = new JsonObject { ["token"] = Token, ["expiry"] = 1_767_229_200UL } });
        });

        // streams.rs:44, 99-128: CreateStream {"name"} → 200 StreamDetails; a taken name is 1012, 400 (error.rs:64).
        app.MapPost("/streams", async (HttpContext context) =>
        {
            var name = (string)(await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))!["name"]!;
            if (!Streams.TryAdd(name, new()))
            {
                return Error(HttpStatusCode.BadRequest, 1012, "stream_name_already_exists", $"Stream with name: {name} already exists.", "name");
            }

            return Results.Json(new JsonObject { ["id"] = Streams.Count, ["created_at"] = 0, ["name"] = name, ["size"] = "0 B", ["messages_count"] = 0, ["topics_count"] = 0, ["topics"] = new JsonArray() });
        });

        // topics.rs:47-48, 137-181: CreateTopic (create_topic.rs:37-55, all fields but replication_factor required;
        // serde rejects a missing one with axum's 422) → 200 TopicDetails; unknown stream → 404 (error.rs:68-76);
        // a taken name is 2013, 400.
        app.MapPost("/streams/{stream}/topics", async (string stream, HttpContext context) =>
        {
            var command = (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))!.AsObject();
            foreach (var field in RequiredTopicFields)
            {
                if (!command.ContainsKey(field) || command[field] is null)
                {
                    return Results.Text($"Failed to deserialize the JSON body into the target type: missing field `{field}`", statusCode: StatusCodes.Status422UnprocessableEntity);
                }
            }

            if (!Streams.TryGetValue(stream, out var topics))
            {
                return NotFound();
            }

            var name = (string)command["name"]!;
            var partitions = (int)command["partitions_count"]!;
            if (!topics.TryAdd(name, new FakeTopic(partitions)))
            {
                return Error(HttpStatusCode.BadRequest, 2013, "topic_name_already_exists", $"Topic with name: {name} in stream with ID: {stream} already exists.", "name");
            }

            return Results.Json(TopicDetails(name, partitions));
        });

        // topics.rs:51-52, 62-100: → 200 TopicDetails (mapper.rs:203-237, partitions_count = its partitions).
        app.MapGet("/streams/{stream}/topics/{topic}", (string stream, string topic) =>
            Streams.TryGetValue(stream, out var topics) && topics.TryGetValue(topic, out var fake)
                ? Results.Json(TopicDetails(topic, fake.Partitions))
                : NotFound());

        // topics.rs:54-57, 243-264: → 204.
        app.MapDelete("/streams/{stream}/topics/{topic}/purge", (string stream, string topic) =>
        {
            if (!Streams.TryGetValue(stream, out var topics) || !topics.TryGetValue(topic, out var fake))
            {
                return Error(HttpStatusCode.NotFound, 2010, "topic_id_not_found", $"Topic with ID: {topic} for stream with ID: {stream} was not found.", "topic_id");
            }

            fake.Messages.Clear();
            return Results.NoContent();
        });

        // consumer_groups.rs:46-47, 112-149: CreateConsumerGroup {"name"} → 201 ConsumerGroupDetails; a taken name is 5004, 400.
        app.MapPost("/streams/{stream}/topics/{topic}/consumer-groups", async (string stream, string topic, HttpContext context) =>
        {
            var name = (string)(await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))!["name"]!;
            if (!Streams.TryGetValue(stream, out var topics) || !topics.TryGetValue(topic, out var fake))
            {
                return Error(HttpStatusCode.NotFound, 2010, "topic_id_not_found", $"Topic with ID: {topic} for stream with ID: {stream} was not found.", "topic_id");
            }

            if (!fake.Groups.TryAdd(name, 0))
            {
                return Error(HttpStatusCode.BadRequest, 5004, "consumer_group_name_already_exists", $"Consumer group with name: {name} for topic with ID: {topic} already exists.", "name");
            }

            return Results.Json(new JsonObject { ["id"] = fake.Groups.Count, ["name"] = name, ["partitions_count"] = fake.Partitions, ["members_count"] = 0, ["members"] = new JsonArray() }, statusCode: StatusCodes.Status201Created);
        });

        // consumer_groups.rs:50-51, 153-177: → 204; an unknown group is 5000 (ConsumerGroupIdNotFound), 404.
        app.MapDelete("/streams/{stream}/topics/{topic}/consumer-groups/{group}", (string stream, string topic, string group) =>
        {
            if (!Streams.TryGetValue(stream, out var topics) || !topics.TryGetValue(topic, out var fake) || !fake.Groups.TryRemove(group, out _))
            {
                return Error(HttpStatusCode.NotFound, 5000, "consumer_group_id_not_found", $"Consumer group with ID: {group} for topic with ID: {topic} was not found.");
            }

            return Results.NoContent();
        });

        // messages.rs:43-44, 92-125: SendMessages (send_messages.rs:127-304) → 201 with no body.
        app.MapPost("/streams/{stream}/topics/{topic}/messages", async (string stream, string topic, HttpContext context) =>
        {
            var command = (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))!;
            if (!Streams.TryGetValue(stream, out var topics) || !topics.TryGetValue(topic, out var fake))
            {
                return Error(HttpStatusCode.NotFound, 2010, "topic_id_not_found", $"Topic with ID: {topic} for stream with ID: {stream} was not found.", "topic_id");
            }

            foreach (var message in command["messages"]!.AsArray())
            {
                fake.Messages.Enqueue(Convert.FromBase64String((string)message!["payload"]!));
            }

            return Results.StatusCode(StatusCodes.Status201Created);
        });

        // system.rs:48, 67-84: → 200 Stats.
        app.MapGet("/stats", () => Results.Json(Stats));
    }

    private static JsonObject TopicDetails(string name, int partitions) => new()
    {
        ["id"] = 1,
        ["created_at"] = 0,
        ["name"] = name,
        ["size"] = "0 B",
        ["message_expiry"] = 0,
        ["compression_algorithm"] = "none",
        ["max_topic_size"] = 0,
        ["replication_factor"] = 1,
        ["messages_count"] = 0,
        ["partitions_count"] = partitions,
        ["partitions"] = new JsonArray([.. Enumerable.Range(0, partitions).Select(id => (JsonNode)new JsonObject { ["id"] = id, ["created_at"] = 0, ["segments_count"] = 1, ["current_offset"] = 0, ["size"] = "0 B", ["messages_count"] = 0 })]),
    };

    // error.rs:35-41, 82-108: {"id","code","reason","field"}.
    public static IResult Error(HttpStatusCode status, uint id, string code, string reason, string? field = null) =>
        Results.Json(new JsonObject { ["id"] = id, ["code"] = code, ["reason"] = reason, ["field"] = field }, statusCode: (int)status);

    // error.rs:68-76: CustomError::ResourceNotFound.
    private static IResult NotFound() => Error(HttpStatusCode.NotFound, 404, "not_found", "Resource not found");

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    internal sealed record RecordedRequest(string Method, string Path, string Authorization, string Body)
    {
        public JsonNode? Json => string.IsNullOrEmpty(Body) ? null : JsonNode.Parse(Body);
    }

    internal sealed class FakeTopic(int partitions)
    {
        public int Partitions { get; } = partitions;

        public ConcurrentDictionary<string, byte> Groups { get; } = new();

        public ConcurrentQueue<byte[]> Messages { get; } = new();
    }
}
