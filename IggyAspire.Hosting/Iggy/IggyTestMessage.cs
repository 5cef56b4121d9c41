using System.Text.Json;

namespace Aspire.Hosting.Iggy;

/// <summary>
/// The payload of the topic's <c>Send test message</c> command: the demo's message contract
/// <c>{"id":&lt;long&gt;,"text":"…","ts":"&lt;ISO-8601&gt;"}</c> (IggyAspire.Messaging DemoMessage, camel-case JSON),
/// so a consumer of the demo reads and logs it like any other message.
/// </summary>
internal static class IggyTestMessage
{
    /// <summary>
    /// Id 0: the producer continues after the highest id it finds in the topic, so a test message must not take one of
    /// its ids or push them forward. The Iggy message id is 0 too, which the server replaces with a random one.
    /// </summary>
    public const long Id = 0;

    public static byte[] Create(string text, DateTimeOffset timestamp)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("id", Id);
            json.WriteString("text", text);
            json.WriteString("ts", timestamp);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
