using System.Buffers.Binary;
using System.IO.Hashing;
using IggyAspire.Messaging.Transport;
using IggyAspire.TestServer.Model;

namespace IggyAspire.TestServer.Tcp;

/// <summary>
/// One command's answer: a status, a payload (empty for an error), whether the server closes the connection after it,
/// and, for a request the server could not handle, what went wrong, for the server's side (0.8.0 logs it:
/// tcp/connection_handler.rs, <c>error!("Command with code {cmd_code} was not handled successfully ...")</c>).
/// </summary>
internal readonly record struct IggyAnswer(int Status, byte[] Body, bool Close = false, string? Failure = null)
{
    public static IggyAnswer Empty { get; } = new(IggyWireStatus.Ok, []);

    public static IggyAnswer Refused(int status, bool close = false) => new(status, [], close);
}

/// <summary>
/// Decodes a request payload as Apache.Iggy 0.8.0 encodes it, applies it to the model and encodes the answer as 0.8.0's
/// handlers do (core/server/src/binary/handlers/**, tag server-0.8.0). The caller holds <see cref="SimulatedIggyServer.Gate"/>.
/// </summary>
internal sealed class IggyCommandHandler(SimulatedIggyServer model)
{
    /// <summary>The consumer kinds of a poll, store or get offset (Iggy_SDK/Contracts/Tcp/TcpContracts.cs:830-838).</summary>
    private const byte PlainConsumer = 1;
    private const byte GroupConsumer = 2;

    /// <summary>The partitioning kinds of a send (Iggy_SDK/Enums/IdKind.cs:53-62; server primitives/partitioning.rs).</summary>
    private const byte Balanced = 1;
    private const byte PartitionId = 2;

    /// <summary>A stored message's fixed header (core/common/src/types/message/message_header.rs:26-34: ranges up to 64).</summary>
    private const int MessageHeaderSize = 64;

    /// <summary>A send's index entry per message (send_messages_handler.rs:98, INDEX_SIZE; TcpContracts.cs:438-441 writes 16 bytes).</summary>
    private const int IndexSize = 16;

    /// <param name="clientId">The connection's model client.</param>
    /// <param name="code">The command code.</param>
    /// <param name="payload">The request payload.</param>
    /// <param name="failure">A scripted <see cref="IggyFault.FailWith"/>: thrown where the handler would run.</param>
    public IggyAnswer Handle(long clientId, int code, byte[] payload, Exception? failure = null)
    {
        try
        {
            if (failure is not null)
            {
                throw failure;
            }

            var request = new WireReader(payload);
            switch (code)
            {
                case IggyCommandCodes.Ping:
                    model.Ping(clientId);
                    return IggyAnswer.Empty;
                case IggyCommandCodes.LoginUser:
                    return Login(clientId, request);
            }

            // Every other handler starts with shard.ensure_authenticated (shard/mod.rs:448-460): 40 before anything else is
            // read. (0.8.0's send handler refuses before it reads the payload, send_messages_handler.rs:46, leaving it in the
            // socket; the front end has read it already, so the next request still frames.)
            model.EnsureAuthenticated(clientId);
            return code switch
            {
                IggyCommandCodes.GetClusterMetadata => IggyAnswer.Empty,
                IggyCommandCodes.GetStream => GetStream(request),
                IggyCommandCodes.CreateStream => CreateStream(request),
                IggyCommandCodes.GetTopic => GetTopic(request),
                IggyCommandCodes.CreateTopic => CreateTopic(request),
                IggyCommandCodes.GetConsumerGroup => GetConsumerGroup(request),
                IggyCommandCodes.CreateConsumerGroup => CreateConsumerGroup(request),
                IggyCommandCodes.JoinConsumerGroup => JoinOrLeave(clientId, request, join: true),
                IggyCommandCodes.LeaveConsumerGroup => JoinOrLeave(clientId, request, join: false),
                IggyCommandCodes.SendMessages => SendMessages(clientId, request),
                IggyCommandCodes.PollMessages => PollMessages(clientId, request),
                IggyCommandCodes.StoreConsumerOffset => StoreOffset(clientId, request),
                IggyCommandCodes.GetConsumerOffset => GetOffset(clientId, request),
                // dispatch.rs:453-456 answers an unknown code with InvalidCommand; a code 0.8.0 knows but this server does
                // not model gets FeatureUnavailable, so a test sees what is missing.
                _ => IggyAnswer.Refused(IggyWireStatus.FeatureUnavailable),
            };
        }
        catch (IggyStatusException exception)
        {
            return IggyAnswer.Refused(exception.StatusCode);
        }
        catch (StaleClientException)
        {
            // The model no longer has the session (a restart, a deletion): StaleClient, then the server closes the
            // connection (tcp/connection_handler.rs:138-142).
            return IggyAnswer.Refused(IggyWireStatus.StaleClient, close: true);
        }
        catch (WireFormatException exception)
        {
            // A payload that does not decode: 0.8.0's command decoding answers InvalidCommand (dispatch.rs:69-89), and
            // connection_handler.rs logs "Command with code {cmd_code} was not handled successfully" and sends the error
            // (send_error_response), keeping the connection: only ClientNotFound ends it.
            return new IggyAnswer(IggyWireStatus.InvalidCommand, [], Failure: $"the request does not decode: {exception.Message}");
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // A failure of this server itself (a bug, an assembly it cannot load): answered with the generic Error (1)
            // the SDK reports, the connection kept as connection_handler.rs keeps it for any handler error, and the
            // exception reported on the server's side. Never StaleClient: that would have the SDK reconnect for nothing.
            return new IggyAnswer(IggyWireStatus.Error, [], Failure: $"the test server failed: {exception}");
        }
    }

    /// <summary>
    /// TcpContracts.cs:80-119: u8 name length, name, u8 password length, password, u32 version length, version, u32
    /// context length, context. Answers the user id as a u32 (login_user_handler.rs:69-70, responses/users/login_user.rs:38-39).
    /// </summary>
    private IggyAnswer Login(long clientId, WireReader request)
    {
        var username = request.Name8();
        var password = request.Name8();
        var userId = model.Login(clientId, username, password);
        return Ok(new WireWriter().U32(userId));
    }

    /// <summary>A missing stream answers an empty OK (get_stream_handler.rs:47-53), which the SDK reads as null (TcpMessageStream.cs:124-127).</summary>
    private IggyAnswer GetStream(WireReader request)
    {
        var stream = model.ResolveStream(request.Identifier());
        if (stream is null || model.GetStream(stream) is not { } view)
        {
            return IggyAnswer.Empty;
        }

        var writer = WriteStream(new WireWriter(), view);
        foreach (var topic in view.Topics)
        {
            WriteTopicHeader(writer, topic);
        }

        return Ok(writer);
    }

    /// <summary>TcpContracts.cs:617-623: u8 name length, name. Answers the new stream, no topics (create_stream_handler.rs:51-60).</summary>
    private IggyAnswer CreateStream(WireReader request)
    {
        var name = request.Name8();
        model.CreateStream(name);
        return Ok(WriteStream(new WireWriter(), model.GetStream(name)!));
    }

    /// <summary>TcpContracts.cs:723-728: stream id, topic id. A missing one answers an empty OK (get_topic_handler.rs:42-48).</summary>
    private IggyAnswer GetTopic(WireReader request)
    {
        var stream = model.ResolveStream(request.Identifier());
        var topicId = request.Identifier();
        var topic = stream is null ? null : model.ResolveTopic(stream, topicId);
        return topic is null ? IggyAnswer.Empty : Ok(WriteTopic(model.GetTopic(stream!, topic)!));
    }

    /// <summary>
    /// TcpContracts.cs:706-721: stream id, u32 partitions, u8 compression, u64 message expiry, u64 max topic size, u8
    /// replication factor, u8 name length, name. Answers the topic header and its partitions (create_topic_handler.rs:58-96).
    /// </summary>
    private IggyAnswer CreateTopic(WireReader request)
    {
        var stream = RequireStream(request.Identifier());
        var partitions = request.U32();
        var compression = request.U8();
        var expiry = request.U64();
        var maxSize = request.U64();
        var replication = request.U8();
        var name = request.Name8();
        model.CreateTopic(stream, name, partitions, compression, expiry, maxSize, replication);
        return Ok(WriteTopic(model.GetTopic(stream, name)!));
    }

    /// <summary>TcpContracts.cs:635-643: stream id, topic id, u8 name length, name. Answers the group, no members (create_consumer_group_handler.rs:52-60).</summary>
    private IggyAnswer CreateConsumerGroup(WireReader request)
    {
        var (stream, topic) = RequireTopic(request);
        var name = request.Name8();
        model.CreateConsumerGroup(stream, topic, name);
        var group = model.GetGroup(stream, topic, name)!;
        // responses/consumer_groups/consumer_group_response.rs:46-50: id, partitions count, members count, name.
        return Ok(new WireWriter().U32(group.Id).U32(group.PartitionsCount).U32(0).Name8(group.Name));
    }

    /// <summary>
    /// TcpContracts.cs:679-686: stream id, topic id, group id. A missing group answers an empty OK
    /// (get_consumer_group_handler.rs:48-53; a missing stream or topic too, metadata query_consumer_group), which the SDK
    /// reads as null. Answers the group header, then each member: u32 member id, u32 partitions count, u32 partition ids
    /// (get_consumer_group_handler.rs:55-72, responses/consumer_groups/get_consumer_group.rs:25-48).
    /// </summary>
    private IggyAnswer GetConsumerGroup(WireReader request)
    {
        var stream = model.ResolveStream(request.Identifier());
        var topicId = request.Identifier();
        var topic = stream is null ? null : model.ResolveTopic(stream, topicId);
        var groupId = request.Identifier();
        var name = topic is null ? null : model.ResolveGroup(stream!, topic, groupId);
        if (name is null || model.GetGroup(stream!, topic!, name) is not { } group)
        {
            return IggyAnswer.Empty;
        }

        var writer = new WireWriter().U32(group.Id).U32(group.PartitionsCount).U32((uint)group.Members.Count).Name8(group.Name);
        foreach (var member in group.Members)
        {
            writer.U32((uint)member.Id).U32((uint)member.Partitions.Count);
            foreach (var partition in member.Partitions)
            {
                writer.U32((uint)partition);
            }
        }

        return Ok(writer);
    }

    /// <summary>
    /// TcpContracts.cs:645-661: stream id, topic id, group id. Both answer an empty OK (join_consumer_group_handler.rs,
    /// leave_consumer_group_handler.rs:48-51).
    /// </summary>
    private IggyAnswer JoinOrLeave(long clientId, WireReader request, bool join)
    {
        var (stream, topic) = RequireTopic(request);
        var group = RequireGroup(stream, topic, request.Identifier());
        if (join)
        {
            model.JoinConsumerGroup(clientId, stream, topic, group);
        }
        else
        {
            model.LeaveConsumerGroup(clientId, stream, topic, group);
        }

        return IggyAnswer.Empty;
    }

    /// <summary>
    /// The batch as TcpContracts.cs:395-443 CreateMessage writes it and send_messages_handler.rs:49-121 reads it: u32
    /// metadata length, then metadata (stream id, topic id, partitioning as u8 kind + u8 length + value, u32 count), then
    /// count index entries of 16 bytes, then the messages, each a 64-byte header (TcpContracts.cs:414-423), the payload
    /// and the user headers. Answers an empty OK (send_messages_handler.rs:200-203).
    /// </summary>
    private IggyAnswer SendMessages(long clientId, WireReader request)
    {
        var metadataLength = request.U32();
        var metadata = new WireReader(request.Bytes((int)Math.Min(metadataLength, int.MaxValue)));
        var streamId = metadata.Identifier();
        var topicId = metadata.Identifier();
        var partitioningKind = metadata.U8();
        var partitioningValue = metadata.Bytes(metadata.U8());
        var count = metadata.U32();
        _ = request.Bytes(checked((int)count * IndexSize));

        var messages = new List<AppendedMessage>((int)Math.Min(count, 10_000));
        for (var i = 0; i < count; i++)
        {
            _ = request.U64(); // checksum: the server computes its own (messages_batch_mut.rs:185)
            var id = request.U128();
            _ = request.U64(); // offset: set by the server (messages_batch_mut.rs:166)
            _ = request.U64(); // timestamp: set by the server (messages_batch_mut.rs:167)
            var originTimestamp = request.U64();
            var headersLength = request.U32();
            var payloadLength = request.U32();
            _ = request.U64(); // reserved
            var body = request.Bytes((int)payloadLength);
            var headers = request.Bytes((int)headersLength);
            messages.Add(new AppendedMessage(id, body, headers, originTimestamp));
        }

        var stream = RequireStream(streamId);
        var topic = model.ResolveTopic(stream, topicId) ?? throw TopicNotFound(topicId);
        uint? partition = partitioningKind switch
        {
            Balanced => null,
            PartitionId when partitioningValue.Length >= 4 => BinaryPrimitives.ReadUInt32LittleEndian(partitioningValue),
            // MessagesKey (3) hashes the key to a partition (topics/helpers.rs); not modelled here.
            _ => throw new IggyStatusException(IggyWireStatus.FeatureUnavailable, $"partitioning kind {partitioningKind} is not modelled"),
        };
        model.Append(clientId, stream, topic, messages, $"client {clientId}", partition);
        return IggyAnswer.Empty;
    }

    /// <summary>
    /// TcpContracts.cs:366-393: u8 consumer kind, consumer id, stream id, topic id, u8 partition flag + u32 partition id,
    /// u8 strategy, u64 value, u32 count, u8 auto commit. Answers u32 partition id, u64 current offset, u32 count and the
    /// messages as stored (poll_messages_handler.rs:59-85). Modelled: a group's Next without a partition id, a plain
    /// consumer's Offset, First or Last on a given partition, no auto commit; anything else answers 5.
    /// </summary>
    private IggyAnswer PollMessages(long clientId, WireReader request)
    {
        var consumerKind = request.U8();
        var consumerId = request.Identifier();
        var (stream, topic) = RequireTopic(request);
        var hasPartition = request.U8() == 1;
        var partitionId = request.U32();
        var strategy = (PollKind)request.U8();
        var value = request.U64();
        var count = request.U32();
        var autoCommit = request.U8() == 1;
        if (autoCommit)
        {
            throw NotModelled("auto commit");
        }

        PolledStored polled;
        if (consumerKind == GroupConsumer && strategy == PollKind.Next && !hasPartition)
        {
            polled = model.PollNextStored(clientId, stream, topic, RequireGroup(stream, topic, consumerId), count);
        }
        else if (consumerKind == PlainConsumer && hasPartition && strategy is PollKind.Offset or PollKind.First or PollKind.Last)
        {
            polled = model.PollPartition(clientId, stream, topic, partitionId, strategy, value, count);
        }
        else
        {
            throw NotModelled($"poll by consumer kind {consumerKind} with strategy {strategy}");
        }

        var writer = new WireWriter().U32(polled.PartitionId).U64(polled.CurrentOffset).U32((uint)polled.Messages.Count);
        foreach (var message in polled.Messages)
        {
            writer.Bytes(EncodeMessage(message));
        }

        return Ok(writer);
    }

    /// <summary>
    /// TcpContracts.cs:745-770: u8 consumer kind, consumer id, stream id, topic id, u8 partition flag + u32 partition id,
    /// u64 offset. Answers an empty OK (store_consumer_offset_handler.rs:62). Modelled: a group naming its partition.
    /// </summary>
    private IggyAnswer StoreOffset(long clientId, WireReader request)
    {
        var consumerKind = request.U8();
        var consumerId = request.Identifier();
        var (stream, topic) = RequireTopic(request);
        var hasPartition = request.U8() == 1;
        var partitionId = request.U32();
        var offset = request.U64();
        if (consumerKind != GroupConsumer || !hasPartition)
        {
            throw NotModelled("a store by a plain consumer or without a partition id");
        }

        model.StoreOffset(clientId, stream, topic, RequireGroup(stream, topic, consumerId), partitionId, offset);
        return IggyAnswer.Empty;
    }

    /// <summary>
    /// TcpContracts.cs:772-795: u8 consumer kind, consumer id, stream id, topic id, u8 partition flag + u32 partition id.
    /// Answers u32 partition id, u64 current offset, u64 stored offset (responses/consumer_offsets/get_consumer_offset.rs:44-47).
    /// Anything missing answers an empty OK, not an error: a missing stream or topic (get_consumer_offset_handler.rs:46-53),
    /// any failure of the lookup such as an unknown group or partition (:60-66), and no stored offset yet (:68-71).
    /// No partition id reads partition 0 (shard/system/consumer_offsets.rs:117).
    /// </summary>
    private IggyAnswer GetOffset(long clientId, WireReader request)
    {
        var consumerKind = request.U8();
        var consumerId = request.Identifier();
        var streamId = request.Identifier();
        var topicId = request.Identifier();
        var hasPartition = request.U8() == 1;
        var partitionId = hasPartition ? request.U32() : 0;
        if (consumerKind != GroupConsumer)
        {
            throw NotModelled("a plain consumer's offset");
        }

        var stream = model.ResolveStream(streamId);
        var topic = stream is null ? null : model.ResolveTopic(stream, topicId);
        var group = topic is null ? null : model.ResolveGroup(stream!, topic, consumerId);
        if (group is null)
        {
            return IggyAnswer.Empty;
        }

        try
        {
            return model.GetOffsets(clientId, stream!, topic!, group, partitionId) is { StoredOffset: { } stored } offsets
                ? Ok(new WireWriter().U32(offsets.PartitionId).U64(offsets.CurrentOffset).U64(stored))
                : IggyAnswer.Empty;
        }
        catch (IggyStatusException)
        {
            return IggyAnswer.Empty;
        }
    }

    /// <summary>
    /// A stored message as a poll returns it (Iggy_SDK/Mappers/BinaryMapper.cs:339-432 MapMessages reads it): u64
    /// checksum, u128 id, u64 offset, u64 timestamp (µs), u64 origin timestamp, u32 user headers length, u32 payload
    /// length, u64 reserved, payload, user headers. The checksum is XxHash3 64 of everything after it
    /// (message_view.rs:123-131, utils/checksum.rs), as the server sets it on append (messages_batch_mut.rs:185).
    /// </summary>
    internal static byte[] EncodeMessage(StoredMessage message)
    {
        var bytes = new WireWriter()
            .U64(0)
            .U128(message.Id)
            .U64(message.Offset)
            .U64(ToMicros(message.Timestamp))
            .U64(message.OriginTimestamp)
            .U32((uint)message.UserHeaders.Length)
            .U32((uint)message.Payload.Length)
            .U64(0)
            .Bytes(message.Payload)
            .Bytes(message.UserHeaders)
            .ToArray();
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, XxHash3.HashToUInt64(bytes.AsSpan(8)));
        return bytes;
    }

    /// <summary>IggyTimestamp: µs since the Unix epoch (the SDK reads it with DateTimeOffsetUtils.FromUnixTimeMicroSeconds).</summary>
    internal static ulong ToMicros(DateTimeOffset at) => (ulong)((at - DateTimeOffset.UnixEpoch).Ticks / 10);

    /// <summary>responses/streams/stream_response.rs:48-55: u32 id, u64 created at, u32 topics, u64 size, u64 messages, name.</summary>
    private static WireWriter WriteStream(WireWriter writer, StreamView stream) =>
        writer.U32(stream.Id).U64(ToMicros(stream.CreatedAt)).U32((uint)stream.Topics.Count).U64(stream.SizeBytes).U64(stream.MessagesCount).Name8(stream.Name);

    /// <summary>
    /// responses/streams/get_stream.rs:56-67 TopicHeader: u32 id, u64 created at, u32 partitions, u64 message expiry, u8
    /// compression, u64 max topic size, u8 replication factor, u64 size, u64 messages, name.
    /// </summary>
    private static WireWriter WriteTopicHeader(WireWriter writer, TopicView topic) =>
        writer.U32(topic.Id).U64(ToMicros(topic.CreatedAt)).U32((uint)topic.Partitions.Count).U64(topic.MessageExpiry)
            .U8(topic.CompressionAlgorithm).U64(topic.MaxTopicSize).U8(topic.ReplicationFactor).U64(topic.SizeBytes)
            .U64(topic.MessagesCount).Name8(topic.Name);

    /// <summary>
    /// The header, then each partition (responses/topics/get_topic.rs:49-56): u32 id, u64 created at, u32 segments, u64
    /// current offset, u64 size, u64 messages. Segments are not modelled: 0, as create topic answers (create_topic_handler.rs:78).
    /// </summary>
    private static WireWriter WriteTopic(TopicView topic)
    {
        var writer = WriteTopicHeader(new WireWriter(), topic);
        foreach (var partition in topic.Partitions)
        {
            writer.U32(partition.Id).U64(ToMicros(partition.CreatedAt)).U32(0).U64(partition.CurrentOffset).U64(partition.SizeBytes).U64(partition.MessagesCount);
        }

        return writer;
    }

    private string RequireStream(IggyId stream) =>
        model.ResolveStream(stream) ?? throw new IggyStatusException(IggyStatusCodes.StreamNotFound, $"stream {stream} not found");

    private (string Stream, string Topic) RequireTopic(WireReader request)
    {
        var stream = RequireStream(request.Identifier());
        var topicId = request.Identifier();
        return (stream, model.ResolveTopic(stream, topicId) ?? throw TopicNotFound(topicId));
    }

    private string RequireGroup(string stream, string topic, IggyId group) =>
        model.ResolveGroup(stream, topic, group) ?? throw new IggyStatusException(IggyStatusCodes.ConsumerGroupNotFound, $"group {group} not found");

    private static IggyStatusException TopicNotFound(IggyId topic) => new(IggyStatusCodes.TopicNotFound, $"topic {topic} not found");

    private static IggyStatusException NotModelled(string what) => new(IggyWireStatus.FeatureUnavailable, $"{what} is not modelled by the test server");

    private static IggyAnswer Ok(WireWriter writer) => new(IggyWireStatus.Ok, writer.ToArray());
}
