using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace IggyAspire.Messaging.Contract;

/// <summary>Turns <see cref="DemoMessage"/> into message payload bytes and back.</summary>
public static class DemoMessageSerializer
{
    /// <summary>The UTF-8 JSON payload of <paramref name="message"/>, written straight into one array.</summary>
    public static byte[] Serialize(DemoMessage message) =>
        JsonSerializer.SerializeToUtf8Bytes(message, DemoMessageJsonContext.Default.DemoMessage);

    /// <summary>Reads a payload; anything that is not a whole <see cref="DemoMessage"/> gives false and the reason.</summary>
    public static bool TryDeserialize(
        ReadOnlySpan<byte> payload,
        [NotNullWhen(true)] out DemoMessage? message,
        [NotNullWhen(false)] out string? error)
    {
        try
        {
            message = JsonSerializer.Deserialize(payload, DemoMessageJsonContext.Default.DemoMessage);
        }
        catch (JsonException exception)
        {
            message = null;
            error = exception.Message;
            return false;
        }

        error = message is null ? "the payload is JSON null" : null;
        return message is not null;
    }
}
