using System.Text;
using System.Text.Json.Nodes;

namespace IggyAspire.TestServer.Http;

/// <summary>One answer of the front end: status, content type (null: no body) and body.</summary>
internal sealed record HttpAnswer(int Status, string? ContentType, byte[] Body)
{
    /// <summary>axum's <c>Json</c> response: <c>application/json</c>.</summary>
    public static HttpAnswer Json(int status, JsonNode node) => new(status, "application/json", Encoding.UTF8.GetBytes(node.ToJsonString()));

    /// <summary>axum's <c>&amp;str</c> / <c>String</c> response and its rejections' bodies: <c>text/plain; charset=utf-8</c>.</summary>
    public static HttpAnswer Text(int status, string text) => new(status, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(text));

    /// <summary>A status with no body: a bare <c>StatusCode</c> (204, 201, the JWT layer's 401, axum's 404 and 405).</summary>
    public static HttpAnswer Empty(int status) => new(status, null, []);
}

/// <summary>Ends a handler with <see cref="Answer"/>, as a <c>?</c> on an error does in the server's handlers.</summary>
internal sealed class HttpRejection(HttpAnswer answer) : Exception($"HTTP {answer.Status}")
{
    public HttpAnswer Answer { get; } = answer;
}
