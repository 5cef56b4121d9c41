namespace IggyAspire.Messaging;

/// <summary>A message to send with an id or headers of its own.</summary>
/// <typeparam name="TMessage">The application's message type.</typeparam>
/// <param name="Body">The message, serialized into the payload.</param>
public readonly record struct IggyOutgoingMessage<TMessage>(TMessage Body)
{
    /// <summary>
    /// The Iggy message id; 0 (the default) gives the message a new one (a random prefix per process and a counter).
    /// An id of your own lets a consumer tell a message sent again from a new one.
    /// </summary>
    public UInt128 Id { get; init; }

    /// <summary>String headers to send with the message; the trace context (<c>traceparent</c>, <c>tracestate</c>) is added to them.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }
}
