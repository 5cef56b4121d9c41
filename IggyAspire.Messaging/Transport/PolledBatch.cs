namespace IggyAspire.Messaging.Transport;

/// <summary>What one poll returned: messages of one partition, and that partition's newest offset.</summary>
public sealed record PolledBatch(uint PartitionId, ulong CurrentOffset, IReadOnlyList<ReceivedMessage> Messages);
