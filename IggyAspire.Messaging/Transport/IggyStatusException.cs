namespace IggyAspire.Messaging.Transport;

/// <summary>
/// The server refused a call with one of its status codes (<see cref="IggyErrorCodes"/>): the transport's way to tell
/// the core what Iggy answered, where the core decides by it.
/// </summary>
public sealed class IggyStatusException : Exception
{
    public IggyStatusException()
    {
    }

    public IggyStatusException(string message)
        : base(message)
    {
    }

    public IggyStatusException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public IggyStatusException(int statusCode, string message, Exception? innerException = null)
        : base(message, innerException) => StatusCode = statusCode;

    /// <summary>Iggy's status code, as <c>core/common/src/error/iggy_error.rs</c> numbers it.</summary>
    public int StatusCode { get; }
}
