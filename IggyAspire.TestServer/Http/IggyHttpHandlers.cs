using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IggyAspire.Messaging.Transport;
using IggyAspire.TestServer.Model;

namespace IggyAspire.TestServer.Http;

/// <summary>
/// The handlers of the routes in <see cref="IggyHttpRoutes"/>, each checking what 0.8.0's handler checks in the order it
/// does (extractors first: the JSON body; then the path identifiers, the command's validate, the look-ups) and
/// answering as it answers. Every model call holds <see cref="SimulatedIggyServer.Gate"/>.
/// </summary>
internal sealed class IggyHttpHandlers(SimulatedIggyServer model, IggyJwt jwt, IggyHostFacts host, DateTimeOffset startedAt)
{
    /// <summary>common/src/lib.rs:138 <c>MAX_NAME_LENGTH = 255</c> (bytes: Rust's <c>str::len</c>).</summary>
    private const int MaxNameLength = 255;

    /// <summary>common/src/lib.rs:139 <c>MAX_PARTITIONS_COUNT = 1000</c>.</summary>
    private const uint MaxPartitionsCount = 1000;

    public HttpAnswer Handle(string route, IReadOnlyList<string> path, string? contentType, byte[] body) => route switch
    {
        IggyHttpRoutes.Root => HttpAnswer.Text(200, "Iggy API"),
        IggyHttpRoutes.Ping => HttpAnswer.Text(200, "pong"),
        IggyHttpRoutes.Login => Login(SerdeJson.ParseBody(contentType, body)),
        IggyHttpRoutes.CreateStream => CreateStream(SerdeJson.ParseBody(contentType, body)),
        IggyHttpRoutes.GetStream => GetStream(path[0]),
        IggyHttpRoutes.CreateTopic => CreateTopic(path[0], SerdeJson.ParseBody(contentType, body)),
        IggyHttpRoutes.GetTopic => GetTopic(path[0], path[1]),
        IggyHttpRoutes.UpdateTopic => UpdateTopic(path[0], path[1], SerdeJson.ParseBody(contentType, body)),
        IggyHttpRoutes.PurgeTopic => PurgeTopic(path[0], path[1]),
        IggyHttpRoutes.CreateConsumerGroup => CreateConsumerGroup(path[0], path[1], SerdeJson.ParseBody(contentType, body)),
        IggyHttpRoutes.GetConsumerGroup => GetConsumerGroup(path[0], path[1], path[2]),
        IggyHttpRoutes.DeleteConsumerGroup => DeleteConsumerGroup(path[0], path[1], path[2]),
        IggyHttpRoutes.SendMessages => SendMessages(path[0], path[1], SerdeJson.ParseBody(contentType, body)),
        IggyHttpRoutes.Stats => Stats(),
        _ => throw new ArgumentOutOfRangeException(nameof(route), route, "not a route of this server"),
    };

    /// <summary>
    /// users.rs:258-274: LoginUser (common/src/http/users/login_user.rs:25-34: username and password required, version
    /// and context optional; no validate on this path), then shard login_user with no session
    /// (<see cref="SimulatedIggyServer.AuthenticateUser"/>), then a token (<see cref="IggyJwt"/>) answered as IdentityInfo
    /// (mapper.rs:104-112; types/user/user_identity_info.rs:27-44): <c>{"user_id","access_token":{"token","expiry"}}</c>.
    /// </summary>
    private HttpAnswer Login(JsonElement json)
    {
        var login = new SerdeStruct(json, "LoginUser", ("username", SerdeField.String), ("password", SerdeField.String), ("version", SerdeField.OptionalString), ("context", SerdeField.OptionalString));
        var user = IggyPathIdentifier.Parse(login.String("username"));
        var userId = Gated(() => model.AuthenticateUser(user, login.String("password")));
        var (token, expiry) = jwt.Issue(userId);
        return HttpAnswer.Json(200, new JsonObject { ["user_id"] = userId, ["access_token"] = new JsonObject { ["token"] = token, ["expiry"] = expiry } });
    }

    /// <summary>
    /// streams.rs:99-128: CreateStream (common/src/http/streams/create_stream.rs:27-49: a name of 1-255 bytes, else 1013),
    /// then execute_create_stream (shard/execution.rs:49-82; a taken name is 1012, metadata/writer.rs:337) → 200 StreamDetails.
    /// </summary>
    private HttpAnswer CreateStream(JsonElement json)
    {
        var name = new SerdeStruct(json, "CreateStream", ("name", SerdeField.String)).String("name");
        if (!IsValidName(name))
        {
            throw IggyHttpErrors.InvalidStreamName();
        }

        return Gated(() =>
        {
            try
            {
                model.CreateStream(name);
            }
            catch (IggyStatusException exception) when (exception.StatusCode == IggyErrorCodes.StreamNameAlreadyExists)
            {
                throw IggyHttpErrors.StreamNameAlreadyExists(name);
            }

            return HttpAnswer.Json(200, IggyHttpJson.StreamDetails(model.GetStream(name)!));
        });
    }

    /// <summary>streams.rs:54-79: an unknown stream is CustomError::ResourceNotFound (streams.rs:62-65), 404 with id 404, not 1009.</summary>
    private HttpAnswer GetStream(string streamSegment)
    {
        var streamId = IggyPathIdentifier.Parse(streamSegment);
        return Gated(() => model.ResolveStream(streamId) is { } stream
            ? HttpAnswer.Json(200, IggyHttpJson.StreamDetails(model.GetStream(stream)!))
            : throw IggyHttpErrors.ResourceNotFound());
    }

    /// <summary>
    /// topics.rs:137-181: CreateTopic (common/src/http/topics/create_topic.rs:37-55: every field required but
    /// replication_factor) then its validate (create_topic.rs:71-89: a name of 1-255 bytes else 2014, partitions 0 to
    /// 1000 else 2015, a replication factor of 0 is 2018), then the stream by get_stream_id (an unknown one is
    /// ResourceNotFound, 404 with id 404, topics.rs:146-151), then execute_create_topic (execution.rs:179-256; the
    /// model's <see cref="SimulatedIggyServer.CreateTopic(string, string, uint, byte, ulong, ulong, byte)"/>: 1019
    /// before 2013) → 200 TopicDetails.
    /// </summary>
    private HttpAnswer CreateTopic(string streamSegment, JsonElement json)
    {
        var command = new SerdeStruct(json, "CreateTopic",
            ("partitions_count", SerdeField.U32), ("compression_algorithm", SerdeField.Compression), ("message_expiry", SerdeField.Expiry),
            ("max_topic_size", SerdeField.TopicSize), ("replication_factor", SerdeField.OptionalU8), ("name", SerdeField.String));
        var streamId = IggyPathIdentifier.Parse(streamSegment);
        var name = command.String("name");
        var partitions = command.U32("partitions_count");
        var replication = command.OptionalByte("replication_factor");
        if (!IsValidName(name))
        {
            throw IggyHttpErrors.InvalidTopicName();
        }

        if (partitions > MaxPartitionsCount)
        {
            throw IggyHttpErrors.TooManyPartitions();
        }

        if (replication == 0)
        {
            throw IggyHttpErrors.InvalidReplicationFactor();
        }

        var maxTopicSize = command.U64("max_topic_size");
        return Gated(() =>
        {
            var stream = model.ResolveStream(streamId) ?? throw IggyHttpErrors.ResourceNotFound();
            try
            {
                model.CreateTopic(stream, name, partitions, command.Byte("compression_algorithm"), command.U64("message_expiry"), maxTopicSize, replication ?? 0);
            }
            catch (IggyStatusException exception) when (exception.StatusCode == IggyStatusCodes.InvalidTopicSize)
            {
                throw IggyHttpErrors.InvalidTopicSize(maxTopicSize);
            }
            catch (IggyStatusException exception) when (exception.StatusCode == IggyErrorCodes.TopicNameAlreadyExists)
            {
                throw IggyHttpErrors.TopicNameAlreadyExists(name, model.GetStream(stream)!.Id);
            }

            return HttpAnswer.Json(200, IggyHttpJson.TopicDetails(model.GetTopic(stream, name)!));
        });
    }

    /// <summary>topics.rs:62-100: an unknown stream or topic is ResourceNotFound (topics.rs:72-80), 404 with id 404.</summary>
    private HttpAnswer GetTopic(string streamSegment, string topicSegment)
    {
        var streamId = IggyPathIdentifier.Parse(streamSegment);
        var topicId = IggyPathIdentifier.Parse(topicSegment);
        return Gated(() =>
        {
            var stream = model.ResolveStream(streamId) ?? throw IggyHttpErrors.ResourceNotFound();
            var topic = model.ResolveTopic(stream, topicId) ?? throw IggyHttpErrors.ResourceNotFound();
            return HttpAnswer.Json(200, IggyHttpJson.TopicDetails(model.GetTopic(stream, topic)!));
        });
    }

    /// <summary>
    /// topics.rs:183-214: UpdateTopic (common/src/http/topics/update_topic.rs:38-56: every field required but
    /// replication_factor; the ids come from the path) then its validate (update_topic.rs:72-86: a name of 1-255 bytes
    /// else 2014, a replication factor of 0 is 2018), then execute_update_topic (execution.rs:258-294: resolve_topic,
    /// 1009 then 2010, both 404; then the model's <see cref="SimulatedIggyServer.UpdateTopic"/>: a new name another
    /// topic has is 2013, and no size is checked against the segment size) → 204 with no body.
    /// </summary>
    private HttpAnswer UpdateTopic(string streamSegment, string topicSegment, JsonElement json)
    {
        var command = new SerdeStruct(json, "UpdateTopic",
            ("compression_algorithm", SerdeField.Compression), ("message_expiry", SerdeField.Expiry), ("max_topic_size", SerdeField.TopicSize),
            ("replication_factor", SerdeField.OptionalU8), ("name", SerdeField.String));
        var streamId = IggyPathIdentifier.Parse(streamSegment);
        var topicId = IggyPathIdentifier.Parse(topicSegment);
        var name = command.String("name");
        var replication = command.OptionalByte("replication_factor");
        if (!IsValidName(name))
        {
            throw IggyHttpErrors.InvalidTopicName();
        }

        if (replication == 0)
        {
            throw IggyHttpErrors.InvalidReplicationFactor();
        }

        return Gated(() =>
        {
            var (stream, topic) = ResolveTopic(streamId, topicId);
            try
            {
                model.UpdateTopic(stream, topic, name, command.Byte("compression_algorithm"), command.U64("message_expiry"), command.U64("max_topic_size"), replication ?? 0);
            }
            catch (IggyStatusException exception) when (exception.StatusCode == IggyErrorCodes.TopicNameAlreadyExists)
            {
                throw IggyHttpErrors.TopicNameAlreadyExists(name, model.GetStream(stream)!.Id);
            }

            return HttpAnswer.Empty(204);
        });
    }

    /// <summary>
    /// topics.rs:243-264: execute_purge_topic (execution.rs:336-367) resolves the topic (shard/system/utils.rs:39-53:
    /// 1009, then 2010, both 404) and purges it (<see cref="SimulatedIggyServer.PurgeTopic"/>) → 204.
    /// </summary>
    private HttpAnswer PurgeTopic(string streamSegment, string topicSegment)
    {
        var streamId = IggyPathIdentifier.Parse(streamSegment);
        var topicId = IggyPathIdentifier.Parse(topicSegment);
        return Gated(() =>
        {
            var (stream, topic) = ResolveTopic(streamId, topicId);
            model.PurgeTopic(stream, topic);
            return HttpAnswer.Empty(204);
        });
    }

    /// <summary>
    /// consumer_groups.rs:112-149: CreateConsumerGroup (create_consumer_group.rs:30-60: a name of 1-255 bytes else
    /// 5005), then resolve_topic (1009 / 2010, 404), then execute_create_consumer_group (execution.rs:458-494; a taken
    /// name is 5004 naming the topic by its numeric id) → 201 ConsumerGroupDetails.
    /// </summary>
    private HttpAnswer CreateConsumerGroup(string streamSegment, string topicSegment, JsonElement json)
    {
        var name = new SerdeStruct(json, "CreateConsumerGroup", ("name", SerdeField.String)).String("name");
        var streamId = IggyPathIdentifier.Parse(streamSegment);
        var topicId = IggyPathIdentifier.Parse(topicSegment);
        if (!IsValidName(name))
        {
            throw IggyHttpErrors.InvalidConsumerGroupName();
        }

        return Gated(() =>
        {
            var (stream, topic) = ResolveTopic(streamId, topicId);
            try
            {
                model.CreateConsumerGroup(stream, topic, name);
            }
            catch (IggyStatusException exception) when (exception.StatusCode == IggyErrorCodes.ConsumerGroupNameAlreadyExists)
            {
                throw IggyHttpErrors.ConsumerGroupNameAlreadyExists(name, model.GetTopic(stream, topic)!.Id);
            }

            return HttpAnswer.Json(201, IggyHttpJson.ConsumerGroupDetails(model.Inspect(stream, topic).Groups[name]));
        });
    }

    /// <summary>consumer_groups.rs:56-84: resolve_consumer_group (utils.rs:91-115: 1009, 2010, 5000, each 404) → 200 ConsumerGroupDetails.</summary>
    private HttpAnswer GetConsumerGroup(string streamSegment, string topicSegment, string groupSegment)
    {
        var (streamId, topicId, groupId) = (IggyPathIdentifier.Parse(streamSegment), IggyPathIdentifier.Parse(topicSegment), IggyPathIdentifier.Parse(groupSegment));
        return Gated(() =>
        {
            var (stream, topic, group) = ResolveGroup(streamId, topicId, groupId);
            return HttpAnswer.Json(200, IggyHttpJson.ConsumerGroupDetails(model.Inspect(stream, topic).Groups[group]));
        });
    }

    /// <summary>
    /// consumer_groups.rs:153-177: execute_delete_consumer_group (execution.rs:496-527) resolves the group (1009, 2010,
    /// 5000, each 404) and deletes it with its stored offsets (<see cref="SimulatedIggyServer.DeleteConsumerGroup"/>) → 204.
    /// </summary>
    private HttpAnswer DeleteConsumerGroup(string streamSegment, string topicSegment, string groupSegment)
    {
        var (streamId, topicId, groupId) = (IggyPathIdentifier.Parse(streamSegment), IggyPathIdentifier.Parse(topicSegment), IggyPathIdentifier.Parse(groupSegment));
        return Gated(() =>
        {
            var (stream, topic, group) = ResolveGroup(streamId, topicId, groupId);
            model.DeleteConsumerGroup(stream, topic, group);
            return HttpAnswer.Empty(204);
        });
    }

    /// <summary>
    /// messages.rs:92-125: SendMessages (<see cref="ReadSendMessages"/>), then its validate (send_messages.rs:67-80: a
    /// partitioning value over 255 bytes, or an empty one for any kind but balanced, is 4028; no messages is 4009,
    /// messages_batch.rs:170-174), then http_shard_wrapper.rs:162-209 (the topic by resolve_for_append, reader.rs:1474-1491:
    /// 1009, 2010; balanced takes the next partition round-robin, partition_id its 4 bytes little-endian, a shorter
    /// value being 3) → 201 with no body. A messages_key partitioning (a hash of the key) is not modelled: 5.
    /// </summary>
    private HttpAnswer SendMessages(string streamSegment, string topicSegment, JsonElement json)
    {
        var (kind, value, messages) = ReadSendMessages(json);
        var streamId = IggyPathIdentifier.Parse(streamSegment);
        var topicId = IggyPathIdentifier.Parse(topicSegment);
        if (value.Length > 255 || (kind != "balanced" && value.Length == 0))
        {
            throw IggyHttpErrors.InvalidKeyValueLength();
        }

        if (messages.Count == 0)
        {
            throw IggyHttpErrors.InvalidMessagesCount();
        }

        return Gated(() =>
        {
            var (stream, topic) = ResolveTopic(streamId, topicId);
            uint? partition = kind switch
            {
                "balanced" => null,
                "partition_id" => value.Length >= 4 ? BitConverter.ToUInt32(value, 0) : throw IggyHttpErrors.InvalidCommand(),
                _ => throw IggyHttpErrors.FeatureUnavailable(),
            };
            if (partition is { } id && id >= model.GetTopic(stream, topic)!.Partitions.Count)
            {
                throw IggyHttpErrors.PartitionNotFound(id, topicId, streamId);
            }

            try
            {
                model.AppendStateless(stream, topic, messages, "http", partition);
            }
            catch (IggyStatusException exception) when (exception.StatusCode == IggyStatusCodes.TopicNotFound)
            {
                throw IggyHttpErrors.TopicNotFound(topicId, streamId);
            }

            return HttpAnswer.Empty(201);
        });
    }

    /// <summary>system.rs:67-84: get_stats (shard/system/stats.rs:30-144) → 200 Stats.</summary>
    private HttpAnswer Stats() =>
        Gated(() => HttpAnswer.Json(200, IggyHttpJson.Stats(model.GetStats(), host, startedAt, model.Clock.GetUtcNow())));

    /// <summary>
    /// SendMessages' own deserializer (common/src/http/messages/send_messages.rs:127-304): a map with
    /// <c>partitioning</c> and <c>messages</c> (any other key is "unknown field", a repeated one "duplicate field", each
    /// required), read in the order written. partitioning is Partitioning (types/message/partitioning.rs:34-45):
    /// <c>kind</c> balanced, partition_id or messages_key, <c>value</c> base64. Each message: <c>id</c> (parse_message_id,
    /// send_messages.rs:306-333: missing is 0, which the server replaces with a random id; a u64 number; a string holding
    /// a u128 or a UUID's 32 hex digits), <c>payload</c> base64, never empty (iggy_message.rs:170-172), and
    /// <c>user_headers</c>: null, or a base64 string kept as the headers' raw bytes; a list of header entries is not
    /// modelled (5). The origin timestamp is the server's now (iggy_message.rs:193, the message is built on receipt).
    /// </summary>
    private (string Kind, byte[] Value, List<AppendedMessage> Messages) ReadSendMessages(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw SerdeJson.InvalidType(json, "struct SendMessages");
        }

        (string Kind, byte[] Value)? partitioning = null;
        List<AppendedMessage>? messages = null;
        foreach (var property in json.EnumerateObject())
        {
            switch (property.Name)
            {
                case "partitioning":
                    partitioning = partitioning is null ? ReadPartitioning(property.Value) : throw IggyHttpErrors.JsonData("duplicate field `partitioning`");
                    break;
                case "messages":
                    messages = messages is null ? ReadMessages(property.Value) : throw IggyHttpErrors.JsonData("duplicate field `messages`");
                    break;
                default:
                    throw IggyHttpErrors.JsonData($"unknown field `{property.Name}`, expected `partitioning` or `messages`");
            }
        }

        var (kind, value) = partitioning ?? throw IggyHttpErrors.JsonData("missing field `partitioning`");
        return (kind, value, messages ?? throw IggyHttpErrors.JsonData("missing field `messages`"));
    }

    private static (string Kind, byte[] Value) ReadPartitioning(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw SerdeJson.InvalidType(json, "struct Partitioning");
        }

        string? kind = null;
        byte[]? value = null;
        foreach (var property in json.EnumerateObject())
        {
            if (property.Name == "kind")
            {
                // partitioning_kind.rs:27-37: a snake_case unit enum.
                kind = kind is not null ? throw IggyHttpErrors.JsonData("duplicate field `kind`")
                    : property.Value.ValueKind != JsonValueKind.String ? throw SerdeJson.InvalidType(property.Value, "enum PartitioningKind")
                    : property.Value.GetString() is "balanced" or "partition_id" or "messages_key" ? property.Value.GetString()
                    : throw IggyHttpErrors.JsonData($"unknown variant `{property.Value.GetString()}`, expected one of `balanced`, `partition_id`, `messages_key`");
            }
            else if (property.Name == "value")
            {
                // partitioning.rs:42-44 serde_as Base64.
                value = value is not null ? throw IggyHttpErrors.JsonData("duplicate field `value`")
                    : property.Value.ValueKind != JsonValueKind.String ? throw SerdeJson.InvalidType(property.Value, "a string")
                    : StandardBase64.TryDecode(property.Value.GetString()!) ?? throw IggyHttpErrors.JsonData("Invalid base64 value");
            }
        }

        return (kind ?? throw IggyHttpErrors.JsonData("missing field `kind`"), value ?? throw IggyHttpErrors.JsonData("missing field `value`"));
    }

    private List<AppendedMessage> ReadMessages(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Array)
        {
            throw SerdeJson.InvalidType(json, "a sequence");
        }

        var origin = (ulong)((model.Clock.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / 10);
        var messages = new List<AppendedMessage>();
        foreach (var message in json.EnumerateArray())
        {
            var isObject = message.ValueKind == JsonValueKind.Object;
            var id = ParseMessageId(isObject && message.TryGetProperty("id", out var idValue) ? idValue : null);
            var payloadText = isObject && message.TryGetProperty("payload", out var payloadValue) && payloadValue.ValueKind == JsonValueKind.String
                ? payloadValue.GetString()!
                : throw IggyHttpErrors.JsonData("missing field `payload`");
            var payload = StandardBase64.TryDecode(payloadText) ?? throw IggyHttpErrors.JsonData("Invalid base64 payload");
            var headers = Array.Empty<byte>();
            if (isObject && message.TryGetProperty("user_headers", out var headersValue) && headersValue.ValueKind != JsonValueKind.Null)
            {
                headers = headersValue.ValueKind == JsonValueKind.String
                    ? StandardBase64.TryDecode(headersValue.GetString()!) ?? throw IggyHttpErrors.JsonData("Invalid base64 headers")
                    : throw IggyHttpErrors.FeatureUnavailable();
            }

            if (payload.Length == 0)
            {
                // iggy_message.rs:170-172 InvalidMessagePayloadLength, inside the deserializer (send_messages.rs:258-266).
                throw IggyHttpErrors.JsonData("Failed to create message: Invalid message payload length");
            }

            messages.Add(new AppendedMessage(id, payload, headers, origin));
        }

        return messages;
    }

    private static UInt128 ParseMessageId(JsonElement? value)
    {
        if (value is not { } id)
        {
            return 0;
        }

        switch (id.ValueKind)
        {
            case JsonValueKind.Number:
                return SerdeJson.IsInteger(id) && id.TryGetUInt64(out var number)
                    ? number
                    : throw IggyHttpErrors.JsonData("Invalid message ID: ID must be a positive integer");
            case JsonValueKind.String:
                var text = id.GetString()!;
                if (TryParseU128(text) is { } parsed)
                {
                    return parsed;
                }

                var hex = text.Replace("-", "", StringComparison.Ordinal);
                if (hex.Length == 32 && hex.All(Uri.IsHexDigit))
                {
                    return UInt128.Parse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
                }

                throw IggyHttpErrors.JsonData($"Invalid message ID: Invalid ID string: '{text}' - must be a decimal number or UUID hex format");
            default:
                throw IggyHttpErrors.JsonData("Invalid message ID: ID must be a number or string");
        }
    }

    /// <summary>Rust's <c>u128::from_str</c>: an optional <c>+</c>, then ASCII digits, no overflow.</summary>
    private static UInt128? TryParseU128(string text)
    {
        var digits = text.StartsWith('+') ? text[1..] : text;
        return digits.Length > 0 && digits.All(char.IsAsciiDigit) && UInt128.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
    }

    /// <summary>shard/system/utils.rs:39-53 resolve_topic: 1009 for the stream, then 2010 for the topic, each naming the ids as given.</summary>
    private (string Stream, string Topic) ResolveTopic(IggyId streamId, IggyId topicId)
    {
        var stream = model.ResolveStream(streamId) ?? throw IggyHttpErrors.StreamNotFound(streamId);
        return (stream, model.ResolveTopic(stream, topicId) ?? throw IggyHttpErrors.TopicNotFound(topicId, streamId));
    }

    /// <summary>utils.rs:91-115 resolve_consumer_group: 1009, 2010, then 5000 naming the group and the topic as given.</summary>
    private (string Stream, string Topic, string Group) ResolveGroup(IggyId streamId, IggyId topicId, IggyId groupId)
    {
        var (stream, topic) = ResolveTopic(streamId, topicId);
        return (stream, topic, model.ResolveGroup(stream, topic, groupId) ?? throw IggyHttpErrors.ConsumerGroupNotFound(groupId, topicId));
    }

    private static bool IsValidName(string name) => name.Length > 0 && Encoding.UTF8.GetByteCount(name) <= MaxNameLength;

    /// <summary>Runs <paramref name="call"/> under the model's gate; a 42 from the model is the HTTP API's InvalidCredentials.</summary>
    private T Gated<T>(Func<T> call)
    {
        try
        {
            lock (model.Gate)
            {
                return call();
            }
        }
        catch (IggyStatusException exception) when (exception.StatusCode == IggyErrorCodes.InvalidCredentials)
        {
            throw IggyHttpErrors.InvalidCredentials();
        }
    }
}
