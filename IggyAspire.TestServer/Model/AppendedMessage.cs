namespace IggyAspire.TestServer.Model;

/// <summary>
/// A message as a send carries it to the server: its id (0: the server picks one), payload, the user headers as their
/// wire bytes (kept as sent, so a poll returns them unchanged) and the sender's origin timestamp (µs).
/// </summary>
internal sealed record AppendedMessage(UInt128 Id, byte[] Payload, byte[] UserHeaders, ulong OriginTimestamp);
