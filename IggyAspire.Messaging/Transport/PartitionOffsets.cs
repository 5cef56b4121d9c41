namespace IggyAspire.Messaging.Transport;

/// <summary>A partition's newest offset and the offset a consumer (group) stored, if any.</summary>
public readonly record struct PartitionOffsets(uint PartitionId, ulong CurrentOffset, ulong? StoredOffset);
