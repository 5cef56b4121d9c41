namespace IggyAspire.Tests.EndToEnd.Harness;

/// <summary>The stream, topic (with its partition count) and consumer group AppHost.cs declares under iggy, as the workers receive them.</summary>
internal sealed record DeclaredTopology(string Stream, string Topic, uint Partitions, string ConsumerGroup);
