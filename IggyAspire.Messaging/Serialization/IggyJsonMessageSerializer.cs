using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace IggyAspire.Messaging;

/// <summary>
/// UTF-8 JSON through System.Text.Json with the type information of a source-generated
/// <see cref="System.Text.Json.Serialization.JsonSerializerContext"/>: no reflection, trimming- and AOT-safe, and the
/// context's options (naming, required members, nullable annotations) decide what is valid.
/// </summary>
/// <typeparam name="TMessage">The application's message type.</typeparam>
/// <param name="typeInfo">The context's type information, e.g. <c>MyJsonContext.Default.OrderPlaced</c>.</param>
public sealed class IggyJsonMessageSerializer<TMessage>(JsonTypeInfo<TMessage> typeInfo) : IIggyMessageSerializer<TMessage>
{
    private readonly JsonTypeInfo<TMessage> _typeInfo = typeInfo ?? throw new ArgumentNullException(nameof(typeInfo));

    /// <inheritdoc />
    public byte[] Serialize(TMessage message) => JsonSerializer.SerializeToUtf8Bytes(message, _typeInfo);

    /// <inheritdoc />
    /// <exception cref="JsonException">The payload is not JSON of a <typeparamref name="TMessage"/>, or is JSON <c>null</c>.</exception>
    public TMessage Deserialize(ReadOnlyMemory<byte> payload) =>
        JsonSerializer.Deserialize(payload.Span, _typeInfo) ?? throw new JsonException($"The payload is JSON null, not a {typeof(TMessage).Name}.");
}
