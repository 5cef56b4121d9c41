namespace IggyAspire.TestServer.Http;

/// <summary>
/// The routes the front end serves, named as server 0.8.0's axum routers declare them (method and path template); a
/// fault is scripted per route name and a recorded request carries the one it matched.
/// </summary>
internal static class IggyHttpRoutes
{
    /// <summary>http/system.rs:46 <c>.route("/", get(|| async { NAME }))</c>: answers <c>Iggy API</c>, public.</summary>
    public const string Root = "GET /";

    /// <summary>http/system.rs:47 <c>.route("/ping", get(|| async { PONG }))</c>: answers <c>pong</c>, public (jwt/middleware.rs:36-44).</summary>
    public const string Ping = "GET /ping";

    /// <summary>http/users.rs:65, 258-274.</summary>
    public const string Login = "POST /users/login";

    /// <summary>http/streams.rs:258 (create_stream, streams.rs:99-128).</summary>
    public const string CreateStream = "POST /streams";

    /// <summary>http/streams.rs:259-262 (get_stream, streams.rs:54-79).</summary>
    public const string GetStream = "GET /streams/{stream_id}";

    /// <summary>http/topics.rs:46-49 (create_topic, topics.rs:137-181).</summary>
    public const string CreateTopic = "POST /streams/{stream_id}/topics";

    /// <summary>http/topics.rs:50-53 (get_topic, topics.rs:62-100).</summary>
    public const string GetTopic = "GET /streams/{stream_id}/topics/{topic_id}";

    /// <summary>http/topics.rs:50-53 (update_topic, topics.rs:183-214).</summary>
    public const string UpdateTopic = "PUT /streams/{stream_id}/topics/{topic_id}";

    /// <summary>http/topics.rs:54-57 (purge_topic, topics.rs:243-264).</summary>
    public const string PurgeTopic = "DELETE /streams/{stream_id}/topics/{topic_id}/purge";

    /// <summary>http/consumer_groups.rs:45-48 (create_consumer_group, consumer_groups.rs:112-149).</summary>
    public const string CreateConsumerGroup = "POST /streams/{stream_id}/topics/{topic_id}/consumer-groups";

    /// <summary>http/consumer_groups.rs:49-52 (get_consumer_group, consumer_groups.rs:56-84).</summary>
    public const string GetConsumerGroup = "GET /streams/{stream_id}/topics/{topic_id}/consumer-groups/{group_id}";

    /// <summary>http/consumer_groups.rs:49-52 (delete_consumer_group, consumer_groups.rs:153-177).</summary>
    public const string DeleteConsumerGroup = "DELETE /streams/{stream_id}/topics/{topic_id}/consumer-groups/{group_id}";

    /// <summary>http/messages.rs:42-45 (send_messages, messages.rs:92-125).</summary>
    public const string SendMessages = "POST /streams/{stream_id}/topics/{topic_id}/messages";

    /// <summary>http/system.rs:48 (get_stats, system.rs:67-84).</summary>
    public const string Stats = "GET /stats";

    /// <summary>
    /// jwt/middleware.rs:36-44 PUBLIC_PATHS: the exact paths that need no token; every other path, one that matches no
    /// route too, needs <c>Authorization: Bearer &lt;JWT&gt;</c> (middleware.rs:51-68), the layer wrapping the whole
    /// router (http_server.rs:96-110).
    /// </summary>
    public static readonly IReadOnlySet<string> PublicPaths = new HashSet<string>(StringComparer.Ordinal)
    {
        "/", "/metrics", "/ping", "/users/login", "/users/refresh-token", "/personal-access-tokens/login", "/ui",
    };
}
