using System.Text.Json.Nodes;
using IggyAspire.TestServer.Model;

namespace IggyAspire.TestServer.Http;

/// <summary>
/// The error answers of 0.8.0's HTTP API: an IggyError as http/error.rs:43-108 writes it, and axum 0.8's own rejections.
/// Each IggyError's id, code (its snake_case name, iggy_error.rs:27-34 strum) and reason (its <c>#[error]</c> text)
/// are those of core/common/src/error/iggy_error.rs at the line given.
/// </summary>
internal static class IggyHttpErrors
{
    /// <summary>
    /// error.rs:48-65: the not-found errors answer 404, the authentication ones 401, Unauthorized 403, every other 400;
    /// the body is <c>{"id","code","reason","field"}</c> (error.rs:35-41, 82-108).
    /// </summary>
    public static HttpAnswer Iggy(uint id, string code, string reason, string? field = null)
    {
        var status = id switch
        {
            // StreamIdNotFound, TopicIdNotFound, PartitionNotFound, SegmentNotFound, ClientNotFound, ConsumerGroupIdNotFound,
            // ConsumerGroupNameNotFound, ConsumerGroupMemberNotFound, ConsumerOffsetNotFound (error.rs:49-58).
            // ResourceNotFound (error.rs:49-58; ids iggy_error.rs:72, 164, 214, 252, 294, 308, 314, 421, 425, 433).
            20 or 100 or 1009 or 2010 or 3007 or 3021 or 4000 or 5000 or 5003 or 5006 => 404,
            // Unauthenticated, AccessTokenMissing, InvalidAccessToken, InvalidPersonalAccessToken (error.rs:59-62;
            // iggy_error.rs:90, 148, 150, 116).
            40 or 77 or 78 or 53 => 401,
            41 => 403,
            _ => 400,
        };
        return HttpAnswer.Json(status, new JsonObject { ["id"] = id, ["code"] = code, ["reason"] = reason, ["field"] = field });
    }

    /// <summary>error.rs:68-76 CustomError::ResourceNotFound: 404 <c>{"id":404,"code":"not_found","reason":"Resource not found","field":null}</c>.</summary>
    public static HttpRejection ResourceNotFound() =>
        new(HttpAnswer.Json(404, new JsonObject { ["id"] = 404, ["code"] = "not_found", ["reason"] = "Resource not found", ["field"] = null }));

    /// <summary>iggy_error.rs:35-38 <c>Error = 1</c>.</summary>
    public static HttpRejection Error() => Reject(1, "error", "Error");

    /// <summary>iggy_error.rs:41-42 <c>InvalidCommand = 3</c>.</summary>
    public static HttpRejection InvalidCommand() => Reject(3, "invalid_command", "Invalid command");

    /// <summary>iggy_error.rs:45-46 <c>FeatureUnavailable = 5</c>: what this server answers for what it does not model.</summary>
    public static HttpRejection FeatureUnavailable() => Reject(5, "feature_unavailable", "Feature is unavailable");

    /// <summary>iggy_error.rs:47-48 <c>InvalidIdentifier = 6</c>.</summary>
    public static HttpRejection InvalidIdentifier() => Reject(6, "invalid_identifier", "Invalid identifier");

    /// <summary>iggy_error.rs:93-94 <c>InvalidCredentials = 42</c>.</summary>
    public static HttpRejection InvalidCredentials() => Reject(42, "invalid_credentials", "Invalid credentials");

    /// <summary>iggy_error.rs:213-214 <c>StreamIdNotFound = 1009</c>, field <c>stream_id</c> (error.rs:89).</summary>
    public static HttpRejection StreamNotFound(IggyId stream) => Reject(1009, "stream_id_not_found", $"Stream with ID: {stream} was not found.", "stream_id");

    /// <summary>iggy_error.rs:219-220 <c>StreamNameAlreadyExists = 1012</c>, field <c>name</c> (error.rs:95).</summary>
    public static HttpRejection StreamNameAlreadyExists(string name) => Reject(1012, "stream_name_already_exists", $"Stream with name: {name} already exists.", "name");

    /// <summary>iggy_error.rs:221-222 <c>InvalidStreamName = 1013</c>, field <c>name</c> (error.rs:94).</summary>
    public static HttpRejection InvalidStreamName() => Reject(1013, "invalid_stream_name", "Invalid stream name", "name");

    /// <summary>
    /// iggy_error.rs:227-230 <c>InvalidTopicSize = 1019</c>: both sizes as MaxTopicSize and IggyByteSize display them
    /// (topic_size.rs:177-185, byte_size.rs:205-209, <see cref="IggyByteSizeText.Human"/>).
    /// </summary>
    public static HttpRejection InvalidTopicSize(ulong maxTopicSize) =>
        Reject(1019, "invalid_topic_size", $"Max topic size cannot be lower than segment size. Max topic size: {IggyByteSizeText.Human(maxTopicSize)} < segment size: {IggyByteSizeText.Human(SimulatedIggyServer.SegmentSize)}.");

    /// <summary>iggy_error.rs:251-252 <c>TopicIdNotFound = 2010</c>, field <c>topic_id</c> (error.rs:90).</summary>
    public static HttpRejection TopicNotFound(IggyId topic, IggyId stream) =>
        Reject(2010, "topic_id_not_found", $"Topic with ID: {topic} for stream with ID: {stream} was not found.", "topic_id");

    /// <summary>
    /// iggy_error.rs:255-256 <c>TopicNameAlreadyExists = 2013</c>, field <c>name</c> (error.rs:97). The stream is named
    /// by its numeric id whatever the request said (shard/system/topics.rs:64-68).
    /// </summary>
    public static HttpRejection TopicNameAlreadyExists(string name, uint streamId) =>
        Reject(2013, "topic_name_already_exists", $"Topic with name: {name} for stream with ID: {streamId} already exists.", "name");

    /// <summary>iggy_error.rs:257-258 <c>InvalidTopicName = 2014</c>, field <c>name</c> (error.rs:96).</summary>
    public static HttpRejection InvalidTopicName() => Reject(2014, "invalid_topic_name", "Invalid topic name", "name");

    /// <summary>iggy_error.rs:259-260 <c>TooManyPartitions = 2015</c>.</summary>
    public static HttpRejection TooManyPartitions() => Reject(2015, "too_many_partitions", "Too many partitions");

    /// <summary>iggy_error.rs:265-266 <c>InvalidReplicationFactor = 2018</c>.</summary>
    public static HttpRejection InvalidReplicationFactor() => Reject(2018, "invalid_replication_factor", "Invalid replication factor");

    /// <summary>iggy_error.rs:293-294 <c>PartitionNotFound = 3007</c>, field <c>partition_id</c> (error.rs:91).</summary>
    public static HttpRejection PartitionNotFound(uint partition, IggyId topic, IggyId stream) =>
        Reject(3007, "partition_not_found", $"Partition with ID: {partition} for topic with ID: {topic} for stream with ID: {stream} was not found.", "partition_id");

    /// <summary>iggy_error.rs:331-332 <c>InvalidMessagesCount = 4009</c>.</summary>
    public static HttpRejection InvalidMessagesCount() => Reject(4009, "invalid_messages_count", "Invalid messages count");

    /// <summary>iggy_error.rs:369-370 <c>InvalidKeyValueLength = 4028</c>.</summary>
    public static HttpRejection InvalidKeyValueLength() => Reject(4028, "invalid_key_value_length", "Invalid key value length");

    /// <summary>iggy_error.rs:420-421 <c>ConsumerGroupIdNotFound = 5000</c>.</summary>
    public static HttpRejection ConsumerGroupNotFound(IggyId group, IggyId topic) =>
        Reject(5000, "consumer_group_id_not_found", $"Consumer group with ID: {group} for topic with ID: {topic} was not found.");

    /// <summary>
    /// iggy_error.rs:426-427 <c>ConsumerGroupNameAlreadyExists = 5004</c>, field <c>name</c> (error.rs:102). The topic is
    /// named by its numeric id (shard/system/consumer_groups.rs:53-58).
    /// </summary>
    public static HttpRejection ConsumerGroupNameAlreadyExists(string name, uint topicId) =>
        Reject(5004, "consumer_group_name_already_exists", $"Consumer group with name: {name} for topic with ID: {topicId} already exists.", "name");

    /// <summary>iggy_error.rs:428-429 <c>InvalidConsumerGroupName = 5005</c>.</summary>
    public static HttpRejection InvalidConsumerGroupName() => Reject(5005, "invalid_consumer_group_name", "Invalid consumer group name");

    /// <summary>
    /// axum 0.8 <c>Json</c>'s MissingJsonContentType: a body route without <c>Content-Type: application/json</c> (or a
    /// <c>+json</c> suffix) is refused 415 before the body is read.
    /// </summary>
    public static HttpRejection MissingJsonContentType() => new(HttpAnswer.Text(415, "Expected request with `Content-Type: application/json`"));

    /// <summary>axum's JsonSyntaxError: a body serde_json cannot parse (bad syntax, an empty body) is 400.</summary>
    public static HttpRejection JsonSyntax(string detail) => new(HttpAnswer.Text(400, $"Failed to parse the request body as JSON: {detail}"));

    /// <summary>axum's JsonDataError: JSON that does not deserialize into the handler's type (a missing field, a wrong type) is 422.</summary>
    public static HttpRejection JsonData(string detail) => new(HttpAnswer.Text(422, $"Failed to deserialize the JSON body into the target type: {detail}"));

    /// <summary>
    /// http_server.rs:107-109 <c>DefaultBodyLimit::max(max_request_size)</c>, config.toml:44 <c>max_request_size = "2 MB"</c>:
    /// a longer body is refused 413 by axum's body extractor.
    /// </summary>
    public static HttpRejection PayloadTooLarge() => new(HttpAnswer.Text(413, "Failed to buffer the request body: length limit exceeded"));

    private static HttpRejection Reject(uint id, string code, string reason, string? field = null) => new(Iggy(id, code, reason, field));
}
