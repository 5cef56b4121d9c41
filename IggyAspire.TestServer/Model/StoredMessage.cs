namespace IggyAspire.TestServer.Model;

/// <summary>
/// A message in a partition's log. <paramref name="Sender"/> names the producer instance whose send appended it: the
/// simulation checks with it that a restarted producer never reuses an id for a different message.
/// <see cref="UserHeaders"/> are the headers' wire bytes as sent (empty: none) and <see cref="OriginTimestamp"/>
/// the sender's timestamp in µs, both returned by a poll as stored (message_header.rs:26-46 keeps both in the header).
/// </summary>
internal sealed record StoredMessage(ulong Offset, UInt128 Id, byte[] Payload, DateTimeOffset Timestamp, string Sender)
{
    public byte[] UserHeaders { get; init; } = [];

    public ulong OriginTimestamp { get; init; }
}
