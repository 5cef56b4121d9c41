namespace IggyAspire.Messaging.Options;

/// <summary>How fast and in what batches the producer sends: one message a second by default, as the seeds did.</summary>
public sealed class ProducerOptions
{
    /// <summary>The configuration section the options are read from.</summary>
    public const string SectionName = "Iggy:Producer";

    /// <summary>Time between two sends.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Messages per send; raise it (and lower the interval) to use the producer as a load generator.</summary>
    public int BatchSize { get; set; } = 1;

    /// <summary>The text every message carries.</summary>
    public string Text { get; set; } = "hello from producer";
}
