using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Aspire.Hosting.Iggy;

/// <summary>
/// The few calls of Iggy server 0.8.0's HTTP API the hosting integration makes, so the package needs no Iggy SDK.
/// Every shape comes from the server's axum handlers at tag <c>server-0.8.0</c> (paths below are in apache/iggy);
/// a name in a path is percent-encoded and read back by the handler with <c>Identifier::from_str_value</c>.
/// </summary>
internal sealed class IggyHttpApi(HttpClient http)
{
    private string? _token;

    /// <summary>
    /// <c>POST /users/login</c> <c>{"username","password"}</c> → 200 <c>{"user_id":…,"access_token":{"token":"&lt;JWT&gt;","expiry":…}}</c>
    /// (core/server/src/http/users.rs:65, 258-274; LoginUser in core/common/src/http/users/login_user.rs:25-34;
    /// IdentityInfo from map_generated_access_token_to_identity_info, core/server/src/http/mapper.rs:104-112).
    /// Every later call sends <c>Authorization: Bearer &lt;token&gt;</c> (core/server/src/http/jwt/middleware.rs:55-72).
    /// </summary>
    public async Task LoginAsync(string userName, string password, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("users/login", new JsonObject { ["username"] = userName, ["password"] = password }, cancellationToken).ConfigureAwait(false);
        await ThrowIfFailedAsync(response, "Logging in", cancellationToken).ConfigureAwait(false);
        var identity = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
        _token = identity.GetProperty("access_token").GetProperty("token").GetString()
            ?? throw new InvalidOperationException("The Iggy server's login answer has no access token.");
    }

    /// <summary>
    /// <c>POST /streams</c> <c>{"name"}</c> → 200 with the stream (core/server/src/http/streams.rs:44, 99-128;
    /// CreateStream in core/common/src/http/streams/create_stream.rs:27-31). A taken name is 400 with id 1012.
    /// </summary>
    /// <returns>False when the stream already existed.</returns>
    public Task<bool> CreateStreamAsync(string stream, CancellationToken cancellationToken) =>
        CreateAsync("streams", new JsonObject { ["name"] = stream }, IggyErrorIds.StreamNameAlreadyExists, $"Creating stream '{stream}'", cancellationToken);

    /// <summary>
    /// <c>POST /streams/{stream}/topics</c> <c>{"name","partitions_count","compression_algorithm","message_expiry",
    /// "max_topic_size","replication_factor"}</c> → 200 with the topic (core/server/src/http/topics.rs:47-48, 137-181;
    /// CreateTopic in core/common/src/http/topics/create_topic.rs:37-55, every field required but
    /// <c>replication_factor</c>). <c>compression_algorithm</c> is <c>"none"</c> or <c>"gzip"</c>
    /// (compression_algorithm.rs:80-90); <c>message_expiry</c> is microseconds, 0 for the server default
    /// (utils/expiry.rs:174-186); <c>max_topic_size</c> is bytes, 0 for the server default (utils/topic_size.rs:124-136).
    /// A taken name is 400 with id 2013.
    /// </summary>
    /// <returns>False when the topic already existed.</returns>
    public Task<bool> CreateTopicAsync(string stream, string topic, int partitions, ulong messageExpiryMicroseconds, ulong maxTopicSizeBytes, CancellationToken cancellationToken) =>
        CreateAsync(
            $"streams/{Segment(stream)}/topics",
            new JsonObject
            {
                ["name"] = topic,
                ["partitions_count"] = partitions,
                ["compression_algorithm"] = "none",
                ["message_expiry"] = messageExpiryMicroseconds,
                ["max_topic_size"] = maxTopicSizeBytes,
                ["replication_factor"] = null,
            },
            IggyErrorIds.TopicNameAlreadyExists,
            $"Creating topic '{topic}' in stream '{stream}'",
            cancellationToken);

    /// <summary>
    /// <c>GET /streams/{stream}/topics/{topic}</c> → 200 TopicDetails (core/server/src/http/topics.rs:51-52, 62-100;
    /// mapper.rs:203-237; TopicDetails in core/common/src/types/topic/mod.rs:76-100): <c>partitions_count</c> is the
    /// number of partitions it has, <c>message_expiry</c> microseconds and <c>max_topic_size</c> bytes as the server
    /// stores them, u64::MAX for never expire and unlimited and 0 for the server default (utils/expiry.rs:174-186,
    /// utils/topic_size.rs:124-136), <c>compression_algorithm</c> <c>"none"</c> or <c>"gzip"</c>
    /// (compression_algorithm.rs:80-90), <c>replication_factor</c> a u8.
    /// </summary>
    public async Task<IggyTopicSettings> GetTopicAsync(string stream, string topic, CancellationToken cancellationToken)
    {
        using var request = Authorized(HttpMethod.Get, $"streams/{Segment(stream)}/topics/{Segment(topic)}");
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await ThrowIfFailedAsync(response, $"Reading topic '{topic}' of stream '{stream}'", cancellationToken).ConfigureAwait(false);
        var details = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
        return new IggyTopicSettings(
            details.GetProperty("name").GetString() ?? topic,
            details.GetProperty("partitions_count").GetInt32(),
            details.GetProperty("compression_algorithm").GetString() ?? "none",
            details.GetProperty("message_expiry").GetUInt64(),
            details.GetProperty("max_topic_size").GetUInt64(),
            details.GetProperty("replication_factor").GetByte());
    }

    /// <summary>
    /// <c>PUT /streams/{stream}/topics/{topic}</c> <c>{"name","compression_algorithm","message_expiry","max_topic_size",
    /// "replication_factor"}</c> → 204 (core/server/src/http/topics.rs:50-53, 183-214; UpdateTopic in
    /// core/common/src/http/topics/update_topic.rs:38-56, every field required but <c>replication_factor</c>). Every field
    /// replaces the topic's (metadata/absorb.rs:102-127), so the caller sends back the name, compression and replication
    /// factor it read. Nothing is resolved on this path (shard/system/topics.rs:107-127): 0 would store "server
    /// default" as such, and no size is checked against the segment size. The server refuses an unknown stream (1009)
    /// or topic (2010), a user without manage_topic (41) and a new name another topic has (2013,
    /// metadata/writer.rs:429-475).
    /// </summary>
    public async Task UpdateTopicAsync(string stream, IggyTopicSettings settings, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["name"] = settings.Name,
            ["compression_algorithm"] = settings.CompressionAlgorithm,
            ["message_expiry"] = settings.MessageExpiryMicroseconds,
            ["max_topic_size"] = settings.MaxTopicSizeBytes,
            ["replication_factor"] = settings.ReplicationFactor,
        };
        using var request = Authorized(HttpMethod.Put, $"streams/{Segment(stream)}/topics/{Segment(settings.Name)}");
        request.Content = JsonContent.Create(body);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await ThrowIfFailedAsync(response, $"Updating topic '{settings.Name}' of stream '{stream}'", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>POST /streams/{stream}/topics/{topic}/consumer-groups</c> <c>{"name"}</c> → 201 with the group
    /// (core/server/src/http/consumer_groups.rs:46-47, 112-149; CreateConsumerGroup in
    /// core/common/src/http/consumer_groups/create_consumer_group.rs:30-40). A taken name is 400 with id 5004.
    /// </summary>
    /// <returns>False when the group already existed.</returns>
    public Task<bool> CreateConsumerGroupAsync(string stream, string topic, string group, CancellationToken cancellationToken) =>
        CreateAsync(
            $"streams/{Segment(stream)}/topics/{Segment(topic)}/consumer-groups",
            new JsonObject { ["name"] = group },
            IggyErrorIds.ConsumerGroupNameAlreadyExists,
            $"Creating consumer group '{group}' on topic '{topic}' of stream '{stream}'",
            cancellationToken);

    /// <summary>
    /// <c>DELETE /streams/{stream}/topics/{topic}/consumer-groups/{group}</c> → 204
    /// (core/server/src/http/consumer_groups.rs:50-51, 153-177). Deleting a group also deletes the offsets it stored
    /// (execute_delete_consumer_group, core/server/src/shard/execution.rs:496-527).
    /// </summary>
    public async Task DeleteConsumerGroupAsync(string stream, string topic, string group, CancellationToken cancellationToken)
    {
        using var request = Authorized(HttpMethod.Delete, $"streams/{Segment(stream)}/topics/{Segment(topic)}/consumer-groups/{Segment(group)}");
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await ThrowIfFailedAsync(response, $"Deleting consumer group '{group}'", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>POST /streams/{stream}/topics/{topic}/messages</c>
    /// <c>{"partitioning":{"kind":"balanced","value":""},"messages":[{"id":…,"payload":"&lt;base64&gt;"}]}</c> → 201
    /// (core/server/src/http/messages.rs:43-44, 92-125; SendMessages' deserializer in
    /// core/common/src/http/messages/send_messages.rs:127-304: payload base64, id a number or a UUID string, 0 for
    /// one the server picks; Partitioning in core/common/src/types/message/partitioning.rs:35-44 with the value
    /// base64, empty for balanced).
    /// </summary>
    public async Task SendMessageAsync(string stream, string topic, byte[] payload, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["partitioning"] = new JsonObject { ["kind"] = "balanced", ["value"] = "" },
            ["messages"] = new JsonArray(new JsonObject { ["id"] = 0, ["payload"] = Convert.ToBase64String(payload) }),
        };
        using var request = Authorized(HttpMethod.Post, $"streams/{Segment(stream)}/topics/{Segment(topic)}/messages");
        request.Content = JsonContent.Create(body);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await ThrowIfFailedAsync(response, $"Sending a message to topic '{topic}'", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>DELETE /streams/{stream}/topics/{topic}/purge</c> → 204: deletes every message of every partition and every
    /// consumer and consumer-group offset, so each partition starts again at offset 0, and keeps the topic and its groups
    /// (core/server/src/http/topics.rs:54-57, 243-264; shard/system/topics.rs:198-228).
    /// </summary>
    public async Task PurgeTopicAsync(string stream, string topic, CancellationToken cancellationToken)
    {
        using var request = Authorized(HttpMethod.Delete, $"streams/{Segment(stream)}/topics/{Segment(topic)}/purge");
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await ThrowIfFailedAsync(response, $"Purging topic '{topic}'", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>GET /stats</c> → 200 Stats (core/server/src/http/system.rs:48, 67-84; Stats in
    /// core/common/src/types/stats/mod.rs:24-83).
    /// </summary>
    public async Task<JsonElement> GetStatsAsync(CancellationToken cancellationToken)
    {
        using var request = Authorized(HttpMethod.Get, "stats");
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await ThrowIfFailedAsync(response, "Reading the server's stats", cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> CreateAsync(string path, JsonObject body, uint alreadyExists, string operation, CancellationToken cancellationToken)
    {
        using var request = Authorized(HttpMethod.Post, path);
        request.Content = JsonContent.Create(body);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            await ThrowIfFailedAsync(response, operation, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (IggyHttpApiException exception) when (exception.ErrorId == alreadyExists)
        {
            return false;
        }
    }

    private HttpRequestMessage Authorized(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token ?? throw new InvalidOperationException("Log in first."));
        return request;
    }

    private static async Task ThrowIfFailedAsync(HttpResponseMessage response, string operation, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        // error.rs:66 answers {"id","code","reason","field"}; the JWT layer and axum's own rejections (a body it cannot
        // deserialize is 422 text) have no such body.
        uint? id = null;
        string? code = null, reason = null;
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var error = JsonDocument.Parse(text);
            if (error.RootElement.ValueKind == JsonValueKind.Object && error.RootElement.TryGetProperty("id", out var idElement) && idElement.TryGetUInt32(out var parsed))
            {
                id = parsed;
                code = error.RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
                reason = error.RootElement.TryGetProperty("reason", out var r) ? r.GetString() : null;
            }
        }
        catch (JsonException)
        {
            reason = null;
        }

        throw new IggyHttpApiException(operation, response.StatusCode, id, code, reason);
    }

    private static string Segment(string name) => Uri.EscapeDataString(name);

    /// <summary>Creates a client for the server at <paramref name="baseAddress"/> (its HTTP endpoint).</summary>
    public static HttpClient CreateHttpClient(Uri baseAddress) => new()
    {
        BaseAddress = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/"),
        Timeout = TimeSpan.FromSeconds(30),
    };
}
