namespace IggyAspire.Messaging.Telemetry;

/// <summary>Which signals <see cref="MessagingInstrumentation"/> emits; the client integration's Disable* switches set it.</summary>
public sealed class MessagingInstrumentationOptions
{
    /// <summary>Whether send, receive and process spans are created, and with them the trace context written into messages.</summary>
    public bool EnableTracing { get; init; } = true;

    /// <summary>Whether the messaging metrics are recorded.</summary>
    public bool EnableMetrics { get; init; } = true;
}
