namespace IggyAspire.Messaging.Transport;

/// <summary>
/// The server refused a call with one of its status codes (<see cref="IggyErrorCodes"/>): the transport's way to tell
/// the core what Iggy answered, where the core decides by it.
/// </summary>
public sealed class IggyStatusException : Exception
{
    /// <summary>A refusal with no status code or message.</summary>
    public IggyStatusException()
    {
    }

    /// <summary>A refusal with a message and no status code.</summary>
    public IggyStatusException(string message)
        : base(message)
    {
    }

    /// <summary>A refusal with a message and the exception behind it, and no status code.</summary>
    public IggyStatusException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The server's refusal with <paramref name="statusCode"/>.</summary>
    /// <param name="statusCode">Iggy's status code.</param>
    /// <param name="message">What the server or SDK said.</param>
    /// <param name="innerException">The SDK's exception, if any.</param>
    public IggyStatusException(int statusCode, string message, Exception? innerException = null)
        : base(message, innerException) => StatusCode = statusCode;

    /// <summary>Iggy's status code, as <c>core/common/src/error/iggy_error.rs</c> numbers it.</summary>
    public int StatusCode { get; }
}
