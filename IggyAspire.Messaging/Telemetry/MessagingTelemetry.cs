namespace IggyAspire.Messaging.Telemetry;

/// <summary>Names under which the messaging code reports spans and metrics.</summary>
public static class MessagingTelemetry
{
    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> of send, receive and process spans.</summary>
    public const string ActivitySourceName = "IggyAspire.Messaging";

    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> of the messaging metrics.</summary>
    public const string MeterName = "IggyAspire.Messaging";

    /// <summary>The value of <c>messaging.system</c> on every span and metric.</summary>
    public const string MessagingSystem = "iggy";
}
