namespace IggyAspire.Messaging.Options;

/// <summary>How often and how much the consumer polls: every 500 ms by default, as the seeds did.</summary>
public sealed class ConsumerOptions
{
    /// <summary>The configuration section the options are read from.</summary>
    public const string SectionName = "Iggy:Consumer";

    /// <summary>Time between two polls.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The most messages one poll returns.</summary>
    public int BatchSize { get; set; } = 10;
}
