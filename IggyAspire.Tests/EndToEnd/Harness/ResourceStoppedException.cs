namespace IggyAspire.Tests.EndToEnd.Harness;

/// <summary>
/// A resource instance stopped (exited, finished or failed to start) while a test waited for it to be healthy: there
/// is nothing left to wait for. The message carries its state, exit code and last log lines.
/// </summary>
public sealed class ResourceStoppedException : Exception
{
    public ResourceStoppedException()
    {
    }

    public ResourceStoppedException(string message)
        : base(message)
    {
    }

    public ResourceStoppedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
