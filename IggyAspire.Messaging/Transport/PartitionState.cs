namespace IggyAspire.Messaging.Transport;

/// <summary>A partition's newest offset and how many messages it holds (0 for an empty partition, whose offset is also 0).</summary>
public readonly record struct PartitionState(uint PartitionId, ulong CurrentOffset, ulong MessagesCount);
