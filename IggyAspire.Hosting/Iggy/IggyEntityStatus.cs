namespace Aspire.Hosting.Iggy;

/// <summary>
/// Whether a stream, topic or consumer group has been created (or found) on the server since it last became ready,
/// or why not. Its health check reads it, so <c>WaitFor</c> releases a worker only once the entity really exists.
/// </summary>
internal sealed class IggyEntityStatus
{
    private volatile string? _failure = "not created yet: waiting for the Iggy server to be ready";
    private volatile bool _ready;

    public bool IsReady => _ready;

    /// <summary>Why the entity is not ready; null when it is.</summary>
    public string? Failure => _failure;

    public void Pending(string reason)
    {
        _ready = false;
        _failure = reason;
    }

    public void Ready()
    {
        _failure = null;
        _ready = true;
    }
}
