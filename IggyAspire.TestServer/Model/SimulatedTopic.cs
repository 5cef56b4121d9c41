namespace IggyAspire.TestServer.Model;

/// <summary>A topic: its partitions (ids 0-based), its consumer groups and the balanced send's round-robin counter.</summary>
internal sealed class SimulatedTopic
{
    public SimulatedTopic(uint partitions)
    {
        for (var id = 0; id < partitions; id++)
        {
            Partitions.Add(new SimulatedPartition(id));
        }
    }

    public List<SimulatedPartition> Partitions { get; } = [];

    /// <summary>The topic's id in its stream: its slab key, 0-based in creation order (metadata/absorb.rs:83-91).</summary>
    public uint Id { get; init; }

    /// <summary>The topic's name, which an update may change (metadata/absorb.rs:102-127).</summary>
    public string Name { get; set; } = "";

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>
    /// Kept as created (server defaults resolved) or as an update sent them (none resolved), and echoed by get/create
    /// topic (requests/topics/create_topic.rs); the model applies none of them.
    /// </summary>
    public byte CompressionAlgorithm { get; set; } = 1;

    public ulong MessageExpiry { get; set; }

    public ulong MaxTopicSize { get; set; }

    public byte ReplicationFactor { get; set; } = 1;

    public Dictionary<string, SimulatedConsumerGroup> Groups { get; } = [];

    /// <summary>The groups' ids: slab keys, a deleted group's reused (metadata/absorb.rs:235-247).</summary>
    public SlabKeys GroupKeys { get; } = new();

    /// <summary>In memory only: a restart starts it at 0 again (bootstrap.rs:625).</summary>
    public int RoundRobinCounter { get; set; }

    /// <summary>
    /// The balanced send's partition: one per send call, round-robin over the topic's partitions
    /// (send_messages_handler.rs:126-133 calls reader.rs:238-254 get_next_partition_id).
    /// </summary>
    public SimulatedPartition NextBalancedPartition()
    {
        var current = RoundRobinCounter;
        RoundRobinCounter = (current + 1) % Partitions.Count;
        return Partitions[current % Partitions.Count];
    }
}
