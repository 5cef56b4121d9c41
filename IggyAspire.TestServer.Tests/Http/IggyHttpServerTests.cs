using System.Text;
using System.Text.Json.Nodes;
using IggyAspire.TestServer.Http;
using IggyAspire.TestServer.Model;
using Microsoft.Extensions.Time.Testing;

namespace IggyAspire.TestServer.Tests.Http;

/// <summary>Every route of the HTTP front end over real HTTP, as server 0.8.0's handlers answer it (core/server/src/http/).</summary>
public sealed class IggyHttpServerTests : IAsyncLifetime
{
    private const string Stream = "orders";
    private const string Topic = "events";
    private const string Group = "workers";

    private IggyHttpServer _server = null!;
    private HttpTestClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await IggyHttpServer.StartAsync(new SimulatedIggyServer(TimeProvider.System, "iggy", "secret"), ownsModel: true, cancellationToken: TestContext.Current.CancellationToken);
        _client = new HttpTestClient(_server.BaseAddress);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Ping_and_the_root_are_public_and_answer_text()
    {
        var ping = await _client.GetAsync("ping");
        var root = await _client.GetAsync("");

        Assert.Equal((200, "text/plain; charset=utf-8", "pong"), (ping.Status, ping.ContentType, ping.Body));
        Assert.Equal((200, "Iggy API"), (root.Status, root.Body));
        // PUBLIC_PATHS holds exact paths (jwt/middleware.rs:36-44, 51): a trailing slash needs a token.
        Assert.Equal((401, ""), ((await _client.GetAsync("ping/")).Status, (await _client.GetAsync("ping/")).Body));
    }

    [Fact]
    public async Task Login_answers_an_hs256_jwt_for_an_hour_that_every_other_route_requires()
    {
        Assert.Equal((401, ""), ((await _client.GetAsync("stats")).Status, (await _client.GetAsync("stats")).Body));

        var login = await _client.SendAsync(HttpMethod.Post, "users/login", """{"username":"iggy","password":"secret"}""");

        Assert.Equal(200, login.Status);
        Assert.Equal(0u, (uint)login.Json!["user_id"]!);
        var token = (string)login.Json["access_token"]!["token"]!;
        var parts = token.Split('.');
        Assert.Equal(3, parts.Length);
        var claims = JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1]))!;
        Assert.Equal(("0", "iggy.apache.org", "iggy.apache.org"), ((string?)claims["sub"], (string?)claims["iss"], (string?)claims["aud"]));
        Assert.Equal((ulong)claims["iat"]! + 3600, (ulong)login.Json["access_token"]!["expiry"]!);
        Assert.Equal([token], _server.IssuedTokens);

        Assert.Equal(200, (await _client.SendAsync(HttpMethod.Get, "stats", authorization: $"Bearer {token}")).Status);
        Assert.Equal(401, (await _client.SendAsync(HttpMethod.Get, "stats", authorization: $"bearer {token}")).Status);
        Assert.Equal(401, (await _client.SendAsync(HttpMethod.Get, "stats", authorization: "Bearer not-a-jwt")).Status);
        // The signature's first character carries 6 whole bits: changing it always changes the signature (its last one
        // carries padding bits too, so replacing the tail could leave the same bytes: this test failed that way once).
        var tampered = (parts[2][0] == 'A' ? 'B' : 'A') + parts[2][1..];
        Assert.Equal(401, (await _client.SendAsync(HttpMethod.Get, "stats", authorization: $"Bearer {parts[0]}.{parts[1]}.{tampered}")).Status);
        // An unknown path needs the token too (the layer wraps the whole router), then is a bare 404.
        Assert.Equal(401, (await _client.GetAsync("nowhere")).Status);
    }

    [Fact]
    public async Task A_token_of_another_server_or_an_expired_one_is_refused()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var other = await IggyHttpServer.StartAsync(new SimulatedIggyServer(clock, "iggy", "secret"), ownsModel: true, cancellationToken: TestContext.Current.CancellationToken);
        using var otherClient = new HttpTestClient(other.BaseAddress);
        var foreign = await otherClient.LoginAsync();

        Assert.Equal(401, (await _client.SendAsync(HttpMethod.Get, "stats", authorization: $"Bearer {foreign}")).Status);
        Assert.Equal(200, (await otherClient.GetAsync("stats")).Status);
        // exp = iat + 1 h, with config.toml:111's 5 s of leeway.
        clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(4));
        Assert.Equal(200, (await otherClient.GetAsync("stats")).Status);
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(401, (await otherClient.GetAsync("stats")).Status);
    }

    [Fact]
    public async Task Login_refusals_as_the_handler_and_the_shard_answer_them()
    {
        var wrong = await _client.PostAsync("users/login", new JsonObject { ["username"] = "iggy", ["password"] = "nope" });
        Assert.Equal((400, 42u, "invalid_credentials", (string?)null), wrong.Error);
        Assert.Equal("Invalid credentials", (string?)wrong.Json!["reason"]);
        Assert.Equal(42u, (await _client.PostAsync("users/login", new JsonObject { ["username"] = "root", ["password"] = "secret" })).Error.Id);
        // users.rs:247 looks the user up by Identifier: "0" is the root user's id, "" is no identifier at all.
        Assert.Equal(200, (await _client.PostAsync("users/login", new JsonObject { ["username"] = "0", ["password"] = "secret" })).Status);
        Assert.Equal((400, 6u, "invalid_identifier", (string?)null), (await _client.PostAsync("users/login", new JsonObject { ["username"] = "", ["password"] = "secret" })).Error);

        var missing = await _client.PostAsync("users/login", new JsonObject { ["username"] = "iggy" });
        Assert.Equal((422, "text/plain; charset=utf-8"), (missing.Status, missing.ContentType));
        Assert.Equal("Failed to deserialize the JSON body into the target type: missing field `password`", missing.Body);
        var untyped = await _client.SendAsync(HttpMethod.Post, "users/login", """{"username":"iggy","password":"secret"}""", contentType: null);
        Assert.Equal((415, "Expected request with `Content-Type: application/json`"), (untyped.Status, untyped.Body));
        Assert.Equal(400, (await _client.SendAsync(HttpMethod.Post, "users/login", "{\"username\":")).Status);
        Assert.Equal(400, (await _client.SendAsync(HttpMethod.Post, "users/login", "")).Status);
        Assert.Equal(200, (await _client.SendAsync(HttpMethod.Post, "users/login", """{"username":"iggy","password":"secret"}""", contentType: "application/json; charset=utf-8")).Status);
        Assert.Equal(200, (await _client.SendAsync(HttpMethod.Post, "users/login", """["iggy","secret"]""")).Status);
    }

    [Fact]
    public async Task Create_and_get_stream_answer_stream_details_and_a_taken_name_is_1012()
    {
        await _client.LoginAsync();

        var created = await _client.PostAsync("streams", new JsonObject { ["name"] = Stream });

        Assert.Equal(200, created.Status);
        Assert.Equal((0u, Stream, "0 B", 0UL, 0u), ((uint)created.Json!["id"]!, (string?)created.Json["name"], (string?)created.Json["size"], (ulong)created.Json["messages_count"]!, (uint)created.Json["topics_count"]!));
        Assert.Empty(created.Json["topics"]!.AsArray());
        var taken = await _client.PostAsync("streams", new JsonObject { ["name"] = Stream });
        Assert.Equal((400, 1012u, "stream_name_already_exists", "name"), taken.Error);
        Assert.Equal($"Stream with name: {Stream} already exists.", (string?)taken.Json!["reason"]);

        Assert.Equal(200, (await CreateTopicAsync(Stream, Topic, 3)).Status);
        var byName = await _client.GetAsync($"streams/{Stream}");
        Assert.Equal(byName.Body, (await _client.GetAsync("streams/0")).Body);
        Assert.Equal(byName.Body, (await _client.GetAsync("streams/+0")).Body);
        Assert.Equal([Topic], byName.Json!["topics"]!.AsArray().Select(topic => (string?)topic!["name"]));
        // streams.rs:62-65: an unknown stream is CustomError::ResourceNotFound, not 1009.
        var unknown = await _client.GetAsync("streams/missing");
        Assert.Equal((404, 404u, "not_found", (string?)null), unknown.Error);
        Assert.Equal("Resource not found", (string?)unknown.Json!["reason"]);
    }

    [Fact]
    public async Task Create_stream_is_as_strict_as_its_validate_and_serde()
    {
        await _client.LoginAsync();

        Assert.Equal((400, 1013u, "invalid_stream_name", "name"), (await _client.PostAsync("streams", new JsonObject { ["name"] = "" })).Error);
        Assert.Equal(1013u, (await _client.PostAsync("streams", new JsonObject { ["name"] = new string('é', 128) })).Error.Id);
        Assert.Equal(200, (await _client.PostAsync("streams", new JsonObject { ["name"] = new string('x', 255) })).Status);
        var number = await _client.PostAsync("streams", new JsonObject { ["name"] = 5 });
        Assert.Equal((422, "Failed to deserialize the JSON body into the target type: invalid type: integer `5`, expected a string"), (number.Status, number.Body));
        Assert.Equal(422, (await _client.SendAsync(HttpMethod.Post, "streams", """{"name":"a","name":"b"}""")).Status);
        Assert.Equal(415, (await _client.SendAsync(HttpMethod.Post, "streams", """{"name":"a"}""", contentType: "text/plain")).Status);
        Assert.Equal(200, (await _client.SendAsync(HttpMethod.Post, "streams", """{"name":"b","extra":1}""", contentType: "application/vnd.iggy+json")).Status);
    }

    [Fact]
    public async Task An_all_digit_segment_is_a_numeric_id_so_a_stream_named_with_digits_is_reached_only_by_its_id()
    {
        await _client.LoginAsync();
        Assert.Equal(200, (await _client.PostAsync("streams", new JsonObject { ["name"] = "first" })).Status);
        Assert.Equal(200, (await _client.PostAsync("streams", new JsonObject { ["name"] = "2024" })).Status);

        Assert.Equal(404, (await _client.GetAsync("streams/2024")).Status);
        Assert.Equal("2024", (string?)(await _client.GetAsync("streams/1")).Json!["name"]);
        Assert.Equal("2024", (string?)(await _client.GetAsync("streams/%2B0001")).Json!["name"]);
        Assert.Equal((404, 1009u), ((await _client.DeleteAsync("streams/2024/topics/t/purge")).Status, (await _client.DeleteAsync("streams/2024/topics/t/purge")).Error.Id));
        Assert.Equal((400, 6u), ((await _client.GetAsync($"streams/{new string('s', 256)}")).Status, (await _client.GetAsync($"streams/{new string('s', 256)}")).Error.Id));
    }

    [Fact]
    public async Task Create_and_get_topic_answer_topic_details_with_the_server_defaults_resolved()
    {
        await _client.LoginAsync();
        await _client.PostAsync("streams", new JsonObject { ["name"] = Stream });

        var created = await CreateTopicAsync(Stream, Topic, 3);

        Assert.Equal(200, created.Status);
        var topic = created.Json!;
        Assert.Equal((0u, Topic, 3u, "none", 1), ((uint)topic["id"]!, (string?)topic["name"], (uint)topic["partitions_count"]!, (string?)topic["compression_algorithm"], (int)topic["replication_factor"]!));
        // 0 is the server default: message_expiry "none" and max_size "unlimited" (config.toml:448-454), both u64::MAX.
        Assert.Equal((ulong.MaxValue, ulong.MaxValue), ((ulong)topic["message_expiry"]!, (ulong)topic["max_topic_size"]!));
        Assert.Equal([0u, 1u, 2u], topic["partitions"]!.AsArray().Select(partition => (uint)partition!["id"]!));
        Assert.All(topic["partitions"]!.AsArray(), partition => Assert.Equal((1, 0UL, "0 B"), ((int)partition!["segments_count"]!, (ulong)partition["current_offset"]!, (string?)partition["size"])));
        Assert.Equal(created.Body, (await _client.GetAsync($"streams/{Stream}/topics/{Topic}")).Body);
        Assert.Equal(created.Body, (await _client.GetAsync("streams/0/topics/0")).Body);

        var taken = await CreateTopicAsync(Stream, Topic, 3);
        Assert.Equal((400, 2013u, "topic_name_already_exists", "name"), taken.Error);
        // The stream is named by its numeric id whatever the path said (shard/system/topics.rs:64-68).
        Assert.Equal($"Topic with name: {Topic} for stream with ID: 0 already exists.", (string?)taken.Json!["reason"]);
        Assert.Equal((404, 404u), ((await _client.GetAsync($"streams/{Stream}/topics/missing")).Status, (await _client.GetAsync($"streams/{Stream}/topics/missing")).Error.Id));
        Assert.Equal(404u, (await _client.GetAsync("streams/missing/topics/missing")).Error.Id);
        Assert.Equal(404u, (await CreateTopicAsync("missing", Topic, 3)).Error.Id);
    }

    [Fact]
    public async Task Create_topic_is_as_strict_as_create_topic_rs_and_the_config()
    {
        await _client.LoginAsync();
        await _client.PostAsync("streams", new JsonObject { ["name"] = Stream });

        Assert.Equal((400, 2015u, "too_many_partitions", (string?)null), (await CreateTopicAsync(Stream, "a", 1001)).Error);
        Assert.Equal(200, (await CreateTopicAsync(Stream, "thousand", 1000)).Status);
        Assert.Equal(200, (await CreateTopicAsync(Stream, "none", 0)).Status);
        Assert.Equal((400, 2014u), ((await CreateTopicAsync(Stream, "", 1)).Status, (await CreateTopicAsync(Stream, "", 1)).Error.Id));
        Assert.Equal((400, 2018u), ((await CreateTopicAsync(Stream, "r", 1, replication: 0)).Status, (await CreateTopicAsync(Stream, "r", 1, replication: 0)).Error.Id));
        Assert.Equal(2, (int)(await CreateTopicAsync(Stream, "r2", 1, replication: 2)).Json!["replication_factor"]!);

        var small = await CreateTopicAsync(Stream, "small", 1, maxSize: 1_000_000);
        Assert.Equal((400, 1019u, "invalid_topic_size", (string?)null), small.Error);
        Assert.Equal("Max topic size cannot be lower than segment size. Max topic size: 1.00 MB < segment size: 1.07 GB.", (string?)small.Json!["reason"]);
        // The size is resolved before the name is looked up (topics.rs:51, 58-69): an existing topic asked small is 1019, not 2013.
        Assert.Equal(1019u, (await CreateTopicAsync(Stream, "thousand", 1000, maxSize: 1_000_000)).Error.Id);
        Assert.Equal(1_073_741_824UL, (ulong)(await CreateTopicAsync(Stream, "gib", 1, maxSize: 1_073_741_824)).Json!["max_topic_size"]!);

        var body = TopicBody("typed", 3);
        body["partitions_count"] = "3";
        Assert.Equal("Failed to deserialize the JSON body into the target type: invalid type: string \"3\", expected u32", (await _client.PostAsync($"streams/{Stream}/topics", body)).Body);
        body["partitions_count"] = -1;
        Assert.Equal(422, (await _client.PostAsync($"streams/{Stream}/topics", body)).Status);
        var fraction = await _client.SendAsync(HttpMethod.Post, $"streams/{Stream}/topics", TopicBody("typed", 3).ToJsonString().Replace("\"partitions_count\":3", "\"partitions_count\":3.0", StringComparison.Ordinal));
        Assert.Equal("Failed to deserialize the JSON body into the target type: invalid type: floating point `3.0`, expected u32", fraction.Body);
        body = TopicBody("typed", 3);
        body.Remove("message_expiry");
        Assert.Equal("Failed to deserialize the JSON body into the target type: missing field `message_expiry`", (await _client.PostAsync($"streams/{Stream}/topics", body)).Body);
        body = TopicBody("typed", 3);
        body["compression_algorithm"] = "lz4";
        Assert.Equal(422, (await _client.PostAsync($"streams/{Stream}/topics", body)).Status);
        body["compression_algorithm"] = "GZIP";
        Assert.Equal("gzip", (string?)(await _client.PostAsync($"streams/{Stream}/topics", body)).Json!["compression_algorithm"]);
        body = TopicBody("expiring", 1);
        body["message_expiry"] = 90_000_000;
        body.Remove("replication_factor");
        Assert.Equal(90_000_000UL, (ulong)(await _client.PostAsync($"streams/{Stream}/topics", body)).Json!["message_expiry"]!);
    }

    [Fact]
    public async Task Update_topic_stores_the_settings_as_sent_keeps_its_partitions_groups_and_messages_and_answers_204()
    {
        await _client.LoginAsync();
        await WithGroupAsync();
        await SendAsync(["kept"]);

        var updated = await _client.SendAsync(HttpMethod.Put, $"streams/{Stream}/topics/{Topic}", UpdateBody(Topic, 90_000_000, 2_000_000_000, "gzip", 2).ToJsonString());

        Assert.Equal((204, ""), (updated.Status, updated.Body));
        var topic = (await _client.GetAsync($"streams/{Stream}/topics/{Topic}")).Json!;
        Assert.Equal((90_000_000UL, 2_000_000_000UL, "gzip", 2), ((ulong)topic["message_expiry"]!, (ulong)topic["max_topic_size"]!, (string?)topic["compression_algorithm"], (int)topic["replication_factor"]!));
        Assert.Equal((0u, 3u, 1UL), ((uint)topic["id"]!, (uint)topic["partitions_count"]!, (ulong)topic["messages_count"]!));
        Assert.NotNull(_server.Inspect(model => model.GetGroup(Stream, Topic, Group)));

        // Nothing is resolved or checked on this path (shard/system/topics.rs:107-127, no resolve_max_topic_size): a size
        // below the segment size is stored, 0 stays 0, and no replication factor is 1.
        var small = UpdateBody(Topic, 0, 1_000_000, "none", null);
        small.Remove("replication_factor");
        Assert.Equal(204, (await _client.SendAsync(HttpMethod.Put, "streams/0/topics/0", small.ToJsonString())).Status);
        topic = (await _client.GetAsync($"streams/{Stream}/topics/{Topic}")).Json!;
        Assert.Equal((0UL, 1_000_000UL, "none", 1), ((ulong)topic["message_expiry"]!, (ulong)topic["max_topic_size"]!, (string?)topic["compression_algorithm"], (int)topic["replication_factor"]!));
        Assert.Equal(204, (await Put($"streams/{Stream}/topics/{Topic}", UpdateBody(Topic, ulong.MaxValue, ulong.MaxValue))).Status);
        topic = (await _client.GetAsync($"streams/{Stream}/topics/{Topic}")).Json!;
        Assert.Equal((ulong.MaxValue, ulong.MaxValue), ((ulong)topic["message_expiry"]!, (ulong)topic["max_topic_size"]!));
    }

    [Fact]
    public async Task Update_topic_is_as_strict_as_update_topic_rs_and_renames_only_to_a_free_name()
    {
        await _client.LoginAsync();
        await WithGroupAsync();
        await CreateTopicAsync(Stream, "other", 1);
        var path = $"streams/{Stream}/topics/{Topic}";

        Assert.Equal((404, 1009u, "stream_id_not_found", "stream_id"), (await Put($"streams/missing/topics/{Topic}", UpdateBody(Topic))).Error);
        var noTopic = await Put($"streams/{Stream}/topics/missing", UpdateBody("missing"));
        Assert.Equal((404, 2010u, "topic_id_not_found", "topic_id"), noTopic.Error);
        Assert.Equal($"Topic with ID: missing for stream with ID: {Stream} was not found.", (string?)noTopic.Json!["reason"]);
        Assert.Equal((400, 2014u, "invalid_topic_name", "name"), (await Put(path, UpdateBody(""))).Error);
        Assert.Equal((400, 2018u), ((await Put(path, UpdateBody(Topic, replication: 0))).Status, (await Put(path, UpdateBody(Topic, replication: 0))).Error.Id));
        var noExpiry = UpdateBody(Topic);
        noExpiry.Remove("message_expiry");
        Assert.Equal("Failed to deserialize the JSON body into the target type: missing field `message_expiry`", (await Put(path, noExpiry)).Body);
        var negative = UpdateBody(Topic);
        negative["max_topic_size"] = -1;
        Assert.Equal("Failed to deserialize the JSON body into the target type: invalid type: integer `-1`, expected a u64 bytes representing a MaxTopicSize", (await Put(path, negative)).Body);
        Assert.Equal(415, (await _client.SendAsync(HttpMethod.Put, path, UpdateBody(Topic).ToJsonString(), contentType: null)).Status);

        var taken = await Put(path, UpdateBody("other"));
        Assert.Equal((400, 2013u, "topic_name_already_exists", "name"), taken.Error);
        Assert.Equal("Topic with name: other for stream with ID: 0 already exists.", (string?)taken.Json!["reason"]);
        Assert.Equal(ulong.MaxValue, (ulong)(await _client.GetAsync(path)).Json!["message_expiry"]!);

        Assert.Equal(204, (await Put(path, UpdateBody("renamed"))).Status);
        Assert.Equal(404, (await _client.GetAsync(path)).Status);
        var renamed = (await _client.GetAsync($"streams/{Stream}/topics/renamed")).Json!;
        Assert.Equal((0u, 3u), ((uint)renamed["id"]!, (uint)renamed["partitions_count"]!));
        Assert.Equal(201, (await _client.PostAsync($"streams/{Stream}/topics/renamed/consumer-groups", new JsonObject { ["name"] = "second" })).Status);
        Assert.Equal(["second", Group], _server.Inspect(model => model.Inspect(Stream, "renamed").Groups.Keys.Order().ToArray()));
    }

    [Fact]
    public async Task Create_get_and_delete_consumer_group_and_their_not_found_ids()
    {
        await _client.LoginAsync();
        await _client.PostAsync("streams", new JsonObject { ["name"] = Stream });
        await CreateTopicAsync(Stream, Topic, 3);

        var created = await _client.PostAsync($"streams/{Stream}/topics/{Topic}/consumer-groups", new JsonObject { ["name"] = Group });

        Assert.Equal(201, created.Status);
        Assert.Equal((0u, Group, 3u, 0u), ((uint)created.Json!["id"]!, (string?)created.Json["name"], (uint)created.Json["partitions_count"]!, (uint)created.Json["members_count"]!));
        Assert.Equal(created.Body, (await _client.GetAsync($"streams/{Stream}/topics/{Topic}/consumer-groups/{Group}")).Body);
        var taken = await _client.PostAsync($"streams/{Stream}/topics/{Topic}/consumer-groups", new JsonObject { ["name"] = Group });
        Assert.Equal((400, 5004u, "consumer_group_name_already_exists", "name"), taken.Error);
        Assert.Equal($"Consumer group with name: {Group} for topic with ID: 0 already exists.", (string?)taken.Json!["reason"]);
        Assert.Equal((400, 5005u, "invalid_consumer_group_name", (string?)null), (await _client.PostAsync($"streams/{Stream}/topics/{Topic}/consumer-groups", new JsonObject { ["name"] = "" })).Error);
        Assert.Equal((404, 1009u, "stream_id_not_found", "stream_id"), (await _client.PostAsync("streams/missing/topics/t/consumer-groups", new JsonObject { ["name"] = Group })).Error);
        var noTopic = await _client.PostAsync($"streams/{Stream}/topics/missing/consumer-groups", new JsonObject { ["name"] = Group });
        Assert.Equal((404, 2010u, "topic_id_not_found", "topic_id"), noTopic.Error);
        Assert.Equal($"Topic with ID: missing for stream with ID: {Stream} was not found.", (string?)noTopic.Json!["reason"]);

        var deleted = await _client.DeleteAsync($"streams/{Stream}/topics/{Topic}/consumer-groups/{Group}");
        Assert.Equal((204, ""), (deleted.Status, deleted.Body));
        Assert.Null(_server.Inspect(model => model.GetGroup(Stream, Topic, Group)));
        var gone = await _client.DeleteAsync($"streams/{Stream}/topics/{Topic}/consumer-groups/{Group}");
        Assert.Equal((404, 5000u, "consumer_group_id_not_found", (string?)null), gone.Error);
        Assert.Equal($"Consumer group with ID: {Group} for topic with ID: {Topic} was not found.", (string?)gone.Json!["reason"]);
        Assert.Equal(5000u, (await _client.GetAsync($"streams/{Stream}/topics/{Topic}/consumer-groups/{Group}")).Error.Id);
        // A group created again takes the freed slab key, id 0 again.
        Assert.Equal(0u, (uint)(await _client.PostAsync($"streams/{Stream}/topics/{Topic}/consumer-groups", new JsonObject { ["name"] = "again" })).Json!["id"]!);
    }

    [Fact]
    public async Task Deleting_a_group_deletes_the_offsets_it_stored()
    {
        await _client.LoginAsync();
        await WithGroupAsync();
        await SendAsync(["a"]);
        var clientId = _server.Inspect(model => model.Connect());
        _server.Change(model =>
        {
            model.JoinConsumerGroup(clientId, Stream, Topic, Group);
            model.StoreOffset(clientId, Stream, Topic, Group, 0, 0);
        });

        await _client.DeleteAsync($"streams/{Stream}/topics/{Topic}/consumer-groups/{Group}");
        await _client.PostAsync($"streams/{Stream}/topics/{Topic}/consumer-groups", new JsonObject { ["name"] = Group });

        Assert.Null(_server.Inspect(model => model.GetOffsets(clientId, Stream, Topic, Group, 0)!.Value.StoredOffset));
    }

    [Fact]
    public async Task Send_appends_each_batch_to_the_next_partition_round_robin_with_the_base64_payloads()
    {
        await _client.LoginAsync();
        await WithGroupAsync();

        foreach (var text in new[] { "one", "two", "three", "four" })
        {
            var sent = await SendAsync([text]);
            Assert.Equal((201, ""), (sent.Status, sent.Body));
        }

        var logs = _server.Inspect(model => model.Inspect(Stream, Topic).Partitions.Select(partition => partition.Log.Select(message => Encoding.UTF8.GetString(message.Payload)).ToArray()).ToArray());
        Assert.Equal([["one", "four"], ["two"], ["three"]], logs);
        Assert.All(_server.Inspect(model => model.Inspect(Stream, Topic).Partitions.SelectMany(partition => partition.Log).ToList()), message => Assert.NotEqual(UInt128.Zero, message.Id));

        var batch = new JsonObject
        {
            ["partitioning"] = new JsonObject { ["kind"] = "partition_id", ["value"] = Convert.ToBase64String(BitConverter.GetBytes(2u)) },
            ["messages"] = new JsonArray(
                new JsonObject { ["id"] = 7, ["payload"] = Convert.ToBase64String("x"u8.ToArray()) },
                new JsonObject { ["id"] = "0199b2c4-6f7e-7a00-8000-000000000001", ["payload"] = Convert.ToBase64String("y"u8.ToArray()), ["user_headers"] = Convert.ToBase64String([1, 2, 3]) }),
        };
        Assert.Equal(201, (await _client.PostAsync($"streams/{Stream}/topics/{Topic}/messages", batch)).Status);
        var stored = _server.Inspect(model => model.Inspect(Stream, Topic).Partitions[2].Log.Skip(1).ToList());
        Assert.Equal([7, UInt128.Parse("0199b2c46f7e7a008000000000000001", System.Globalization.NumberStyles.HexNumber, null)], stored.Select(message => message.Id));
        Assert.Equal([1, 2, 3], stored[1].UserHeaders);
        Assert.Equal([1UL, 2UL], stored.Select(message => message.Offset));
    }

    [Fact]
    public async Task Send_is_as_strict_as_send_messages_rs()
    {
        await _client.LoginAsync();
        await WithGroupAsync();
        var path = $"streams/{Stream}/topics/{Topic}/messages";

        Assert.Equal(415, (await _client.SendAsync(HttpMethod.Post, path, Batch("a").ToJsonString(), contentType: null)).Status);
        Assert.Equal((400, 4009u, "invalid_messages_count", (string?)null), (await _client.PostAsync(path, new JsonObject { ["partitioning"] = Balanced(), ["messages"] = new JsonArray() })).Error);
        var notBase64 = Batch("a");
        notBase64["messages"]![0]!["payload"] = "not base64!";
        Assert.Equal((422, "Failed to deserialize the JSON body into the target type: Invalid base64 payload"), ((await _client.PostAsync(path, notBase64)).Status, (await _client.PostAsync(path, notBase64)).Body));
        var empty = Batch("a");
        empty["messages"]![0]!["payload"] = "";
        Assert.Equal(422, (await _client.PostAsync(path, empty)).Status);
        var unknown = Batch("a");
        unknown["key"] = "x";
        Assert.Equal("Failed to deserialize the JSON body into the target type: unknown field `key`, expected `partitioning` or `messages`", (await _client.PostAsync(path, unknown)).Body);
        Assert.Equal("Failed to deserialize the JSON body into the target type: missing field `partitioning`", (await _client.PostAsync(path, new JsonObject { ["messages"] = new JsonArray() })).Body);
        var negative = Batch("a");
        negative["messages"]![0]!["id"] = -1;
        Assert.Equal(422, (await _client.PostAsync(path, negative)).Status);
        var keyless = Batch("a");
        keyless["partitioning"] = new JsonObject { ["kind"] = "partition_id", ["value"] = "" };
        Assert.Equal((400, 4028u), ((await _client.PostAsync(path, keyless)).Status, (await _client.PostAsync(path, keyless)).Error.Id));
        var shortId = Batch("a");
        shortId["partitioning"] = new JsonObject { ["kind"] = "partition_id", ["value"] = Convert.ToBase64String([1]) };
        Assert.Equal((400, 3u), ((await _client.PostAsync(path, shortId)).Status, (await _client.PostAsync(path, shortId)).Error.Id));

        Assert.Equal((404, 1009u, "stream_id_not_found", "stream_id"), (await _client.PostAsync("streams/missing/topics/t/messages", Batch("a"))).Error);
        Assert.Equal((404, 2010u, "topic_id_not_found", "topic_id"), (await _client.PostAsync($"streams/{Stream}/topics/missing/messages", Batch("a"))).Error);
        Assert.Equal(0, _server.Inspect(model => model.Inspect(Stream, Topic).Partitions.Sum(partition => partition.Log.Count)));
    }

    [Fact]
    public async Task A_message_sent_over_http_is_polled_over_tcp_from_the_same_model()
    {
        await using var tcp = Tcp.IggyTcpServer.Start(new Tcp.IggyTcpServerOptions { Username = "iggy", Password = "secret" });
        await using var http = await IggyHttpServer.StartAsync(tcp.Model, cancellationToken: TestContext.Current.CancellationToken);
        using var client = new HttpTestClient(http.BaseAddress);
        await client.LoginAsync();
        Assert.Equal(200, (await client.PostAsync("streams", new JsonObject { ["name"] = Stream })).Status);
        Assert.Equal(200, (await client.PostAsync($"streams/{Stream}/topics", TopicBody(Topic, 1))).Status);
        Assert.Equal(201, (await client.PostAsync($"streams/{Stream}/topics/{Topic}/consumer-groups", new JsonObject { ["name"] = Group })).Status);
        Assert.Equal(201, (await client.PostAsync($"streams/{Stream}/topics/{Topic}/messages", Batch("over http"))).Status);

        await using var raw = await RawIggyClient.ConnectAsync(tcp.Port);
        Assert.Equal(0, (await raw.CallAsync(Tcp.IggyCommandCodes.LoginUser, RawIggyClient.Login("iggy", "secret"))).Status);
        Assert.Equal(0, (await raw.CallAsync(Tcp.IggyCommandCodes.JoinConsumerGroup, [.. RawIggyClient.Id(Stream), .. RawIggyClient.Id(Topic), .. RawIggyClient.Id(Group)])).Status);
        var (status, body) = await raw.CallAsync(Tcp.IggyCommandCodes.PollMessages, RawIggyClient.Poll(2, RawIggyClient.Id(Group), RawIggyClient.Id(Stream), RawIggyClient.Id(Topic), null, 5, 0, 10));

        Assert.Equal(0, status);
        Assert.Equal(1u, BitConverter.ToUInt32(body, 12));
        var payloadLength = (int)BitConverter.ToUInt32(body, 16 + 52);
        Assert.Equal("over http", Encoding.UTF8.GetString(body, 16 + 64, payloadLength));
    }

    [Fact]
    public async Task Purge_deletes_the_messages_and_every_stored_offset_and_the_next_message_is_offset_0()
    {
        await _client.LoginAsync();
        await WithGroupAsync();
        await SendAsync(["a", "b"]);
        await SendAsync(["c"]);
        var clientId = _server.Inspect(model => model.Connect());
        _server.Change(model =>
        {
            model.JoinConsumerGroup(clientId, Stream, Topic, Group);
            model.StoreOffset(clientId, Stream, Topic, Group, 0, 1);
        });

        var purged = await _client.DeleteAsync($"streams/{Stream}/topics/{Topic}/purge");

        Assert.Equal((204, ""), (purged.Status, purged.Body));
        Assert.Equal(0, _server.Inspect(model => model.Inspect(Stream, Topic).Partitions.Sum(partition => partition.Log.Count)));
        Assert.Null(_server.Inspect(model => model.GetOffsets(clientId, Stream, Topic, Group, 0)!.Value.StoredOffset));
        // The group and its member stay.
        Assert.Single(_server.Inspect(model => model.GetGroup(Stream, Topic, Group)!.Members));
        await SendAsync(["d"]);
        Assert.Equal(0UL, _server.Inspect(model => model.Inspect(Stream, Topic).Partitions.SelectMany(partition => partition.Log).Single().Offset));
        Assert.Equal((404, 2010u, "topic_id_not_found", "topic_id"), (await _client.DeleteAsync($"streams/{Stream}/topics/missing/purge")).Error);
        Assert.Equal((404, 1009u, "stream_id_not_found", "stream_id"), (await _client.DeleteAsync($"streams/missing/topics/{Topic}/purge")).Error);
    }

    [Fact]
    public async Task Purging_one_topic_zeroes_its_whole_streams_counters_in_stats()
    {
        await _client.LoginAsync();
        await WithGroupAsync();
        await CreateTopicAsync(Stream, "other", 2);
        await _client.PostAsync($"streams/{Stream}/topics/other/messages", Batch("kept"));
        await SendAsync(["gone"]);
        Assert.Equal((2UL, 5u), Counts(await _client.GetAsync("stats")));

        await _client.DeleteAsync($"streams/{Stream}/topics/{Topic}/purge");

        // stats/mod.rs:375-380: the partition's zero_out_all zeroes its topic's and its stream's counters, "other"'s
        // message included, then each purged partition gets a fresh segment (segments.rs:480): 3, "other"'s 2 gone.
        Assert.Equal((0UL, 3u), Counts(await _client.GetAsync("stats")));
        Assert.Equal(1UL, (ulong)(await _client.GetAsync($"streams/{Stream}")).Json!["messages_count"]!);
    }

    [Fact]
    public async Task Stats_answer_the_models_counts_and_the_hosts_figures()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 1, 2, 3, TimeSpan.Zero));
        var host = new IggyHostFacts { Hostname = "iggy-host", MemoryUsage = 52_400_000, CpuUsage = 1.5f, StartedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero) };
        await using var server = await IggyHttpServer.StartAsync(new SimulatedIggyServer(clock, "iggy", "secret"), new IggyHttpServerOptions { Host = host }, ownsModel: true, TestContext.Current.CancellationToken);
        using var client = new HttpTestClient(server.BaseAddress);
        await client.LoginAsync();
        await client.PostAsync("streams", new JsonObject { ["name"] = Stream });
        await client.PostAsync($"streams/{Stream}/topics", TopicBody(Topic, 3));
        await client.PostAsync($"streams/{Stream}/topics/{Topic}/consumer-groups", new JsonObject { ["name"] = Group });
        server.Change(model => model.Connect());
        await client.PostAsync($"streams/{Stream}/topics/{Topic}/messages", Batch(new string('x', 36)));

        var stats = (await client.GetAsync("stats")).Json!;

        Assert.Equal((1u, 1u, 3u, 3u, 1u, 1UL, 1u), ((uint)stats["streams_count"]!, (uint)stats["topics_count"]!, (uint)stats["partitions_count"]!, (uint)stats["segments_count"]!, (uint)stats["consumer_groups_count"]!, (ulong)stats["messages_count"]!, (uint)stats["clients_count"]!));
        Assert.Equal(("100 B", "52.4 MB", "iggy-host", "0.8.0", 8000), ((string?)stats["messages_size_bytes"], (string?)stats["memory_usage"], (string?)stats["hostname"], (string?)stats["iggy_server_version"], (int)stats["iggy_server_semver"]!));
        Assert.Equal((3_723_000_000UL, 1_767_225_600_000_000UL), ((ulong)stats["run_time"]!, (ulong)stats["start_time"]!));
        Assert.Equal(1.5, (double)stats["cpu_usage"]!);
    }

    [Fact]
    public async Task Routes_match_as_axum_matches_them()
    {
        await _client.LoginAsync();

        Assert.Equal((404, ""), ((await _client.GetAsync("STATS")).Status, (await _client.GetAsync("STATS")).Body));
        Assert.Equal(404, (await _client.GetAsync("stats/")).Status);
        Assert.Equal(404, (await _client.GetAsync("streams//topics")).Status);
        Assert.Equal(405, (await _client.DeleteAsync("stats")).Status);
        Assert.Equal(405, (await _client.GetAsync("users/login")).Status);
        Assert.Equal(200, (await _client.GetAsync("stats?verbose=1")).Status);
    }

    [Theory]
    [InlineData("0", 0u)]
    [InlineData("007", 7u)]
    [InlineData("+5", 5u)]
    [InlineData("4294967295", uint.MaxValue)]
    [InlineData("4294967296", null)]
    [InlineData("-1", null)]
    [InlineData("+", null)]
    [InlineData("5a", null)]
    [InlineData(" 5", null)]
    public void A_segment_is_a_numeric_id_when_rusts_u32_parse_takes_it(string segment, uint? number) =>
        Assert.Equal(number is { } id ? IggyId.Numeric(id) : IggyId.Named(segment), IggyPathIdentifier.Parse(segment));

    [Theory]
    [InlineData(0UL, "0 B")]
    [InlineData(500UL, "500 B")]
    [InlineData(2730UL, "2.73 KB")]
    [InlineData(4200UL, "4.2 KB")]
    [InlineData(3211776UL, "3136.5 KiB")]
    [InlineData(1_073_741_824UL, "1 GiB")]
    [InlineData(100_000_000_000UL, "100 GB")]
    [InlineData(1234567UL, "1234.567 KB")]
    public void Sizes_are_written_as_byte_unit_writes_them(ulong bytes, string text) => Assert.Equal(text, IggyByteSizeText.Exact(bytes));

    [Fact]
    public async Task Scripted_faults_refuse_answer_delay_or_run_first_per_route_and_every_request_is_recorded()
    {
        await _client.LoginAsync();
        _server.Faults
            .Push(IggyHttpRoutes.CreateStream, IggyHttpFault.Refuse(500, 1, "error", "Error"))
            .Push(IggyHttpRoutes.Stats, IggyHttpFault.Answer(503))
            .Push(IggyHttpRoutes.Stats, IggyHttpFault.Answer(200, """{"hostname":"x"}""", "application/json"));
        var ran = false;
        _server.Faults.Push(IggyHttpRoutes.CreateStream, IggyHttpFault.RunFirst(() =>
        {
            ran = _server.Inspect(model => model.ResolveStream(IggyId.Named(Stream))) is null;
            return Task.CompletedTask;
        }));

        var refused = await _client.PostAsync("streams", new JsonObject { ["name"] = Stream });
        Assert.Equal((500, 1u, "error", (string?)null), refused.Error);
        Assert.Null(_server.Inspect(model => model.ResolveStream(IggyId.Named(Stream))));
        Assert.Equal(200, (await _client.PostAsync("streams", new JsonObject { ["name"] = Stream })).Status);
        Assert.True(ran);
        var unavailable = await _client.GetAsync("stats");
        Assert.Equal((503, ""), (unavailable.Status, unavailable.Body));
        Assert.Equal("""{"hostname":"x"}""", (await _client.GetAsync("stats")).Body);
        Assert.Equal(200, (await _client.GetAsync("stats")).Status);

        Assert.Equal(
            ["POST /users/login 200", "POST /streams 500", "POST /streams 200", "GET /stats 503", "GET /stats 200", "GET /stats 200"],
            _server.Requests.Select(request => $"{request.Method} {request.Path} {request.Status}"));
        Assert.Equal(Stream, (string?)_server.Requests[1].Json!["name"]);
        Assert.Equal($"Bearer {_server.IssuedTokens.Single()}", _server.Requests[1].Authorization);
        Assert.IsType<IggyHttpFault.Refusal>(_server.Requests[1].Fault);
    }

    [Fact]
    public async Task A_late_answer_is_applied_first_and_answered_after_the_delay_on_the_models_clock()
    {
        await _client.LoginAsync();
        _server.Faults.Push(IggyHttpRoutes.CreateStream, IggyHttpFault.AnswerLate(TimeSpan.FromMilliseconds(300)));
        var started = System.Diagnostics.Stopwatch.StartNew();

        var created = await _client.PostAsync("streams", new JsonObject { ["name"] = Stream });

        Assert.Equal(200, created.Status);
        Assert.True(started.Elapsed >= TimeSpan.FromMilliseconds(250), started.Elapsed.ToString());
        Assert.NotNull(_server.Inspect(model => model.ResolveStream(IggyId.Named(Stream))));
    }

    private static (ulong Messages, uint Segments) Counts(HttpTestClient.Answer stats) => ((ulong)stats.Json!["messages_count"]!, (uint)stats.Json["segments_count"]!);

    private async Task WithGroupAsync()
    {
        Assert.Equal(200, (await _client.PostAsync("streams", new JsonObject { ["name"] = Stream })).Status);
        Assert.Equal(200, (await CreateTopicAsync(Stream, Topic, 3)).Status);
        Assert.Equal(201, (await _client.PostAsync($"streams/{Stream}/topics/{Topic}/consumer-groups", new JsonObject { ["name"] = Group })).Status);
    }

    private Task<HttpTestClient.Answer> SendAsync(string[] texts) =>
        _client.PostAsync($"streams/{Stream}/topics/{Topic}/messages", Batch(texts));

    private Task<HttpTestClient.Answer> CreateTopicAsync(string stream, string topic, int partitions, ulong maxSize = 0, int? replication = null)
    {
        var body = TopicBody(topic, partitions, maxSize);
        if (replication is { } factor)
        {
            body["replication_factor"] = factor;
        }

        return _client.PostAsync($"streams/{stream}/topics", body);
    }

    private Task<HttpTestClient.Answer> Put(string path, JsonNode body) => _client.SendAsync(HttpMethod.Put, path, body.ToJsonString());

    /// <summary>The body IggyHttpApi.UpdateTopicAsync sends: the topic's name, compression and replication factor with the settings.</summary>
    private static JsonObject UpdateBody(string name, ulong expiry = 60_000_000, ulong maxSize = 1UL << 31, string compression = "none", int? replication = 1) => new()
    {
        ["name"] = name,
        ["compression_algorithm"] = compression,
        ["message_expiry"] = expiry,
        ["max_topic_size"] = maxSize,
        ["replication_factor"] = replication,
    };

    /// <summary>The body IggyHttpApi.CreateTopicAsync sends.</summary>
    private static JsonObject TopicBody(string name, int partitions, ulong maxSize = 0) => new()
    {
        ["name"] = name,
        ["partitions_count"] = partitions,
        ["compression_algorithm"] = "none",
        ["message_expiry"] = 0,
        ["max_topic_size"] = maxSize,
        ["replication_factor"] = null,
    };

    private static JsonObject Balanced() => new() { ["kind"] = "balanced", ["value"] = "" };

    /// <summary>The body IggyHttpApi.SendMessageAsync sends, one message per text.</summary>
    private static JsonObject Batch(params string[] texts) => new()
    {
        ["partitioning"] = Balanced(),
        ["messages"] = new JsonArray([.. texts.Select(text => (JsonNode)new JsonObject { ["id"] = 0, ["payload"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(text)) })]),
    };
}
