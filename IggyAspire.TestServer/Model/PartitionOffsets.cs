namespace IggyAspire.TestServer.Model;

/// <summary>A partition's newest offset and the offset a consumer group stored, if any: what GetOffset answers.</summary>
internal readonly record struct PartitionOffsets(uint PartitionId, ulong CurrentOffset, ulong? StoredOffset);
