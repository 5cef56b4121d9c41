namespace IggyAspire.TestServer.Model;

/// <summary>A partition: its log, the groups' stored offsets (persisted) and their last polled offsets (memory only).</summary>
internal sealed class SimulatedPartition(int id)
{
    public int Id { get; } = id;

    public List<StoredMessage> Log { get; } = [];

    /// <summary>Persisted with each store (consumer_offsets.rs:63 persist_consumer_offset_to_disk) and loaded at start (shard/mod.rs:260).</summary>
    public Dictionary<string, ulong> StoredOffsets { get; } = [];

    /// <summary>The last offset a poll returned to the group (reader.rs:427-456), in memory only (bootstrap.rs:584).</summary>
    public Dictionary<string, ulong> LastPolledOffsets { get; } = [];

    /// <summary>How many of the log's messages are on disk; the rest are in the in-memory journal, which a crash loses.</summary>
    public int Saved { get; set; }

    /// <summary>The size of the messages not saved yet.</summary>
    public ulong UnsavedBytes { get; set; }

    /// <summary>The newest offset; 0 for an empty partition too (ops.rs:75 reads the partition's offset counter).</summary>
    public ulong CurrentOffset => Log.Count == 0 ? 0 : (ulong)(Log.Count - 1);
}
