namespace IggyAspire.Messaging.Transport;

/// <summary>A message to send: its Iggy id, its payload and user headers of its own (beside the trace context, which the transport adds).</summary>
public readonly record struct OutgoingMessage(UInt128 Id, byte[] Payload, IReadOnlyDictionary<string, string>? Headers = null);
