namespace IggyAspire.Messaging.Consuming;

/// <summary>The consumer's fixed waits.</summary>
internal static class ConsumerTimings
{
    /// <summary>How long storing the offset of handled messages (or parking one in the dead-letter topic) may still take once shutdown began.</summary>
    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(10);

    /// <summary>How often the lag gauge's partitions and offsets are read again (three or more calls each time).</summary>
    public static readonly TimeSpan LagRefreshInterval = TimeSpan.FromSeconds(5);

    /// <summary>The longest pause after failed polls; the pause doubles from the poll interval with each failure in a row.</summary>
    public static readonly TimeSpan MaxPollBackoff = TimeSpan.FromSeconds(30);
}
