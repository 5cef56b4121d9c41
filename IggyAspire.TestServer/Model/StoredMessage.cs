namespace IggyAspire.TestServer.Model;

/// <summary>
/// A message in a partition's log. <paramref name="Sender"/> names the producer instance whose send appended it: the
/// simulation checks with it that a restarted producer never reuses an id for a different message.
/// </summary>
internal sealed record StoredMessage(ulong Offset, UInt128 Id, byte[] Payload, DateTimeOffset Timestamp, string Sender);
