namespace IggyAspire.Messaging.Options;

/// <summary>Where the messages go: stream, topic, its partition count and the consumer group. Both workers read it.</summary>
public sealed class TopologyOptions
{
    /// <summary>The configuration section the options are read from.</summary>
    public const string SectionName = "Iggy:Topology";

    /// <summary>The stream's name.</summary>
    public string Stream { get; set; } = "demo-stream";

    /// <summary>The topic's name.</summary>
    public string Topic { get; set; } = "demo-topic";

    /// <summary>How many partitions the topic is created with (an existing topic keeps its own).</summary>
    public uint Partitions { get; set; } = 1;

    /// <summary>The consumer group the consumers share the partitions in.</summary>
    public string ConsumerGroup { get; set; } = "demo-consumers";
}
