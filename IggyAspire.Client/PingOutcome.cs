namespace IggyAspire.Client;

/// <summary>How one <see cref="IggyClientConnection.PingAsync"/> ended.</summary>
public sealed record PingOutcome
{
    private PingOutcome(bool isAnswered, string description, Exception? exception = null) =>
        (IsAnswered, Description, Exception) = (isAnswered, description, exception);

    /// <summary>Whether the server answered within the bound.</summary>
    public bool IsAnswered { get; }

    /// <summary>What happened, for a health report.</summary>
    public string Description { get; }

    /// <summary>Why the ping failed, if it did.</summary>
    public Exception? Exception { get; }

    internal static PingOutcome Answered() => new(true, "The Iggy server answered a ping.");

    internal static PingOutcome Unanswered(TimeSpan bound) => new(false, $"The Iggy server did not answer a ping within {bound}.");

    internal static PingOutcome Replaced(TimeSpan unansweredFor) =>
        new(false, $"The Iggy server left a ping unanswered for {unansweredFor}: the connection was replaced by a new one.");

    internal static PingOutcome Failed(Exception exception) => new(false, "The Iggy server did not answer a ping.", exception);
}
