namespace IggyAspire.Messaging.Transport;

/// <summary>A message as the server returned it, with its string-valued user headers.</summary>
public sealed record ReceivedMessage(
    uint PartitionId,
    ulong Offset,
    UInt128 Id,
    DateTimeOffset Timestamp,
    ReadOnlyMemory<byte> Payload,
    IReadOnlyDictionary<string, string> Headers);
