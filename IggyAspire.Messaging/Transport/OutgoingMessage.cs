namespace IggyAspire.Messaging.Transport;

/// <summary>A message to send: its Iggy id and its payload.</summary>
public readonly record struct OutgoingMessage(UInt128 Id, byte[] Payload);
