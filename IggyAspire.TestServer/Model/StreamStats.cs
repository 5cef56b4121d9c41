namespace IggyAspire.TestServer.Model;

/// <summary>
/// A stream's own counters, which <c>GET /stats</c> sums (shard/system/stats.rs:115-121 reads get_stream_stats). They are
/// kept apart from the partitions' logs as 0.8.0 keeps them (core/metadata/src/stats/mod.rs): a partition's append
/// adds to its topic's and its stream's (shard/system/messages.rs:373-378, propagated to the parents), a new partition
/// adds its first segment (shard/system/partitions.rs:260), and purging a topic zeroes its stream's whole counters
/// (stats/mod.rs:375-380 zero_out_all on a partition zeroes its topic, whose zero_out_all zeroes the stream, mod.rs:231-235),
/// other topics of the stream included, then adds one fresh segment per purged partition (shard/system/segments.rs:480).
/// </summary>
internal sealed class StreamStats
{
    public ulong MessagesCount { get; set; }

    public ulong SizeBytes { get; set; }

    public uint SegmentsCount { get; set; }

    public void ZeroOutAll() => (MessagesCount, SizeBytes, SegmentsCount) = (0, 0, 0);
}

/// <summary>What <c>GET /stats</c> reads from the server's state (shard/system/stats.rs:51, 94-121); the host's figures come from the front end.</summary>
internal sealed record ModelStats(
    uint StreamsCount,
    uint TopicsCount,
    uint PartitionsCount,
    uint SegmentsCount,
    ulong MessagesCount,
    ulong MessagesSizeBytes,
    uint ClientsCount,
    uint ConsumerGroupsCount);
