namespace Aspire.Hosting.Iggy;

/// <summary>
/// A topic as server 0.8.0's get topic answers it and its update takes it back (TopicDetails,
/// core/common/src/types/topic/mod.rs:76-100; UpdateTopic, core/common/src/http/topics/update_topic.rs:38-56): the
/// message expiry in microseconds and the max size in bytes, u64::MAX for never expire and unlimited, 0 for the
/// server's default.
/// </summary>
internal sealed record IggyTopicSettings(
    string Name,
    int Partitions,
    string CompressionAlgorithm,
    ulong MessageExpiryMicroseconds,
    ulong MaxTopicSizeBytes,
    byte ReplicationFactor);
