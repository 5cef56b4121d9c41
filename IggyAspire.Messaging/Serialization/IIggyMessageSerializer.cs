namespace IggyAspire.Messaging;

/// <summary>Turns a message of type <typeparamref name="TMessage"/> into an Iggy payload and back.</summary>
/// <typeparam name="TMessage">The application's message type.</typeparam>
public interface IIggyMessageSerializer<TMessage>
{
    /// <summary>The payload bytes of <paramref name="message"/>.</summary>
    byte[] Serialize(TMessage message);

    /// <summary>The message a payload holds.</summary>
    /// <exception cref="Exception">
    /// Any exception says the payload is not a <typeparamref name="TMessage"/>: the consumer logs and counts it and
    /// applies its failure policy (skip or dead-letter), and its message becomes the span's error description.
    /// </exception>
    TMessage Deserialize(ReadOnlyMemory<byte> payload);
}
