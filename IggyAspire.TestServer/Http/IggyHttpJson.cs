using System.Text.Json.Nodes;
using IggyAspire.TestServer.Model;
using IggyAspire.TestServer.Tcp;

namespace IggyAspire.TestServer.Http;

/// <summary>
/// The model's entities as 0.8.0's HTTP API writes them (serde, field order as declared): timestamps are IggyTimestamp
/// microseconds (utils/timestamp.rs:152-160), sizes IggyByteSize text (<see cref="IggyByteSizeText.Exact"/>), an expiry
/// and a max topic size u64 (utils/expiry.rs:174-186, utils/topic_size.rs:124-136), a compression its name
/// (compression_algorithm.rs:80-90).
/// </summary>
internal static class IggyHttpJson
{
    /// <summary>
    /// StreamDetails (common/src/types/stream/mod.rs:56-71) as mapper.rs:114-140 fills it: the topics by id, the size and
    /// messages summed over every partition (mapper.rs:306-318).
    /// </summary>
    public static JsonObject StreamDetails(StreamView stream) => new()
    {
        ["id"] = stream.Id,
        ["created_at"] = IggyCommandHandler.ToMicros(stream.CreatedAt),
        ["name"] = stream.Name,
        ["size"] = IggyByteSizeText.Exact(stream.SizeBytes),
        ["messages_count"] = stream.MessagesCount,
        ["topics_count"] = stream.Topics.Count,
        ["topics"] = new JsonArray([.. stream.Topics.Select(topic => (JsonNode)Topic(topic))]),
    };

    /// <summary>Topic (common/src/types/topic/mod.rs:27-39) as mapper.rs:170-186 fills it.</summary>
    public static JsonObject Topic(TopicView topic) => new()
    {
        ["id"] = topic.Id,
        ["created_at"] = IggyCommandHandler.ToMicros(topic.CreatedAt),
        ["name"] = topic.Name,
        ["size"] = IggyByteSizeText.Exact(topic.SizeBytes),
        ["message_expiry"] = topic.MessageExpiry,
        ["compression_algorithm"] = Compression(topic.CompressionAlgorithm),
        ["max_topic_size"] = topic.MaxTopicSize,
        ["replication_factor"] = topic.ReplicationFactor,
        ["messages_count"] = topic.MessagesCount,
        ["partitions_count"] = topic.Partitions.Count,
    };

    /// <summary>
    /// TopicDetails (common/src/types/topic/mod.rs:41-54) as mapper.rs:202-237 fills it: <c>partitions_count</c> is the
    /// number of partitions it has, then each partition (mapper.rs:239-255; Partition, types/partition/mod.rs:32-45)
    /// with one segment, the one a partition starts with (shard/system/partitions.rs:245-260) and a purge leaves
    /// (segments.rs:480): segments roll at 1 GiB (config.toml:489), more than a test writes.
    /// </summary>
    public static JsonObject TopicDetails(TopicView topic)
    {
        var details = Topic(topic);
        details["partitions"] = new JsonArray([.. topic.Partitions.Select(partition => (JsonNode)new JsonObject
        {
            ["id"] = partition.Id,
            ["created_at"] = IggyCommandHandler.ToMicros(partition.CreatedAt),
            ["segments_count"] = 1,
            ["current_offset"] = partition.CurrentOffset,
            ["size"] = IggyByteSizeText.Exact(partition.SizeBytes),
            ["messages_count"] = partition.MessagesCount,
        })]);
        return details;
    }

    /// <summary>
    /// ConsumerGroupDetails (common/src/types/consumer/consumer_group.rs:46-72) as mapper.rs:267-288 fills it: each
    /// member by its member id in slot order, with its partitions.
    /// </summary>
    public static JsonObject ConsumerGroupDetails(SimulatedConsumerGroup group)
    {
        var members = group.Members.Select(entry => (JsonNode)new JsonObject
        {
            ["id"] = entry.Member.Id,
            ["partitions_count"] = entry.Member.Partitions.Count,
            ["partitions"] = new JsonArray([.. entry.Member.Partitions.Select(partition => (JsonNode)partition)]),
        }).ToList();
        return new JsonObject
        {
            ["id"] = group.Id,
            ["name"] = group.Name,
            ["partitions_count"] = group.Partitions.Count,
            ["members_count"] = members.Count,
            ["members"] = new JsonArray([.. members]),
        };
    }

    /// <summary>
    /// Stats (common/src/types/stats/mod.rs:24-83) as shard/system/stats.rs:30-144 fills it: the counts from the model,
    /// the machine's and process's figures from <paramref name="host"/>; start and run time in whole seconds (sysinfo's
    /// process start_time and run_time, stats.rs:82-85) as microseconds; no partition's cache metrics.
    /// </summary>
    public static JsonObject Stats(ModelStats stats, IggyHostFacts host, DateTimeOffset startedAt, DateTimeOffset now)
    {
        var startSeconds = (ulong)Math.Max(0, startedAt.ToUnixTimeSeconds());
        var runSeconds = (ulong)Math.Max(0, (long)(now - startedAt).TotalSeconds);
        return new JsonObject
        {
            ["process_id"] = host.ProcessId,
            ["cpu_usage"] = host.CpuUsage,
            ["total_cpu_usage"] = host.TotalCpuUsage,
            ["memory_usage"] = IggyByteSizeText.Exact(host.MemoryUsage),
            ["total_memory"] = IggyByteSizeText.Exact(host.TotalMemory),
            ["available_memory"] = IggyByteSizeText.Exact(host.AvailableMemory),
            ["run_time"] = runSeconds * 1_000_000,
            ["start_time"] = startSeconds * 1_000_000,
            ["read_bytes"] = IggyByteSizeText.Exact(host.ReadBytes),
            ["written_bytes"] = IggyByteSizeText.Exact(host.WrittenBytes),
            ["messages_size_bytes"] = IggyByteSizeText.Exact(stats.MessagesSizeBytes),
            ["streams_count"] = stats.StreamsCount,
            ["topics_count"] = stats.TopicsCount,
            ["partitions_count"] = stats.PartitionsCount,
            ["segments_count"] = stats.SegmentsCount,
            ["messages_count"] = stats.MessagesCount,
            ["clients_count"] = stats.ClientsCount,
            ["consumer_groups_count"] = stats.ConsumerGroupsCount,
            ["hostname"] = host.Hostname,
            ["os_name"] = host.OsName,
            ["os_version"] = host.OsVersion,
            ["kernel_version"] = host.KernelVersion,
            // core/server/src/lib.rs:51-52 VERSION, CARGO_PKG_VERSION (core/server/Cargo.toml:20), and SEMANTIC_VERSION
            // .get_numeric_version(): major * 1000000 + minor * 1000 + patch (stats/mod.rs:72).
            ["iggy_server_version"] = "0.8.0",
            ["iggy_server_semver"] = 8000,
            ["cache_metrics"] = new JsonObject(),
            ["threads_count"] = host.ThreadsCount,
            ["free_disk_space"] = IggyByteSizeText.Exact(host.FreeDiskSpace),
            ["total_disk_space"] = IggyByteSizeText.Exact(host.TotalDiskSpace),
        };
    }

    private static string Compression(byte code) => code == 2 ? "gzip" : "none";
}
