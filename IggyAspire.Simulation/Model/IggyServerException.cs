namespace IggyAspire.Simulation.Model;

/// <summary>
/// An error the simulated server answers with: its status code as Iggy 0.8.0 numbers it
/// (core/common/src/error/iggy_error.rs), the shape of Apache.Iggy's <c>IggyInvalidStatusCodeException.StatusCode</c>.
/// The core catches every exception of a call, so only the code and the message matter to it.
/// </summary>
internal sealed class IggyServerException : Exception
{
    public IggyServerException()
    {
    }

    public IggyServerException(string message)
        : base(message)
    {
    }

    public IggyServerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public IggyServerException(int statusCode, string message)
        : base($"Invalid response status code: {statusCode} ({message})") => StatusCode = statusCode;

    public int StatusCode { get; }
}
