namespace IggyAspire.TestServer.Model;

/// <summary>A stream as get/create stream answer it (binary_protocol responses/streams/stream_response.rs:30-37).</summary>
internal sealed record StreamView(uint Id, string Name, DateTimeOffset CreatedAt, ulong SizeBytes, ulong MessagesCount, IReadOnlyList<TopicView> Topics);

/// <summary>A topic as get/create topic answer it (responses/streams/get_stream.rs:34-45, topics/get_topic.rs:31-38).</summary>
internal sealed record TopicView(
    uint Id,
    string Name,
    DateTimeOffset CreatedAt,
    byte CompressionAlgorithm,
    ulong MessageExpiry,
    ulong MaxTopicSize,
    byte ReplicationFactor,
    ulong SizeBytes,
    ulong MessagesCount,
    IReadOnlyList<PartitionView> Partitions);

/// <summary>A partition of a topic view (responses/topics/get_topic.rs:31-38).</summary>
internal sealed record PartitionView(uint Id, DateTimeOffset CreatedAt, ulong CurrentOffset, ulong SizeBytes, ulong MessagesCount);

/// <summary>A consumer group (responses/consumer_groups/consumer_group_response.rs:30-35) and its members.</summary>
internal sealed record GroupView(uint Id, string Name, uint PartitionsCount, IReadOnlyList<GroupMemberView> Members);

/// <summary>
/// A member as get consumer group lists it, by member id (get_consumer_group_handler.rs:41-48); the client id is the
/// model's, for tests: the wire carries none.
/// </summary>
internal sealed record GroupMemberView(int Id, long ClientId, IReadOnlyList<int> Partitions);

/// <summary>What a poll read: the partition, its newest offset and the messages as stored.</summary>
internal sealed record PolledStored(uint PartitionId, ulong CurrentOffset, IReadOnlyList<StoredMessage> Messages);

/// <summary>The polling strategies of core/common/src/types/message/polling_kind.rs (codes 1-5).</summary>
internal enum PollKind
{
    Offset = 1,
    Timestamp = 2,
    First = 3,
    Last = 4,
    Next = 5,
}
