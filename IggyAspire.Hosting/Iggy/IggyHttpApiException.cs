using System.Net;

namespace Aspire.Hosting.Iggy;

/// <summary>
/// A request to the Iggy HTTP API that did not succeed. Server 0.8.0 answers an <c>IggyError</c> with a status code
/// and the JSON body <c>{"id":&lt;u32&gt;,"code":"&lt;snake_case&gt;","reason":"...","field":...}</c>
/// (core/server/src/http/error.rs:35-41, 43-80); its JWT layer answers a bare 401 with no body
/// (core/server/src/http/jwt/middleware.rs:46-70). <see cref="ErrorId"/> is null when there was no such body.
/// </summary>
internal sealed class IggyHttpApiException(string operation, HttpStatusCode status, uint? errorId, string? errorCode, string? reason)
    : Exception(Describe(operation, status, errorId, errorCode, reason))
{
    public HttpStatusCode Status { get; } = status;

    public uint? ErrorId { get; } = errorId;

    public string? ErrorCode { get; } = errorCode;

    // The server's reason names the entity (e.g. "Stream with name: x already exists."), never a credential.
    private static string Describe(string operation, HttpStatusCode status, uint? errorId, string? errorCode, string? reason) =>
        errorId is null
            ? $"{operation} failed: HTTP {(int)status} {status}."
            : $"{operation} failed: HTTP {(int)status}, Iggy error {errorId} ({errorCode}): {reason}";
}
