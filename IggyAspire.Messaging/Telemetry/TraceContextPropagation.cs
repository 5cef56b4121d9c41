using System.Diagnostics;

namespace IggyAspire.Messaging.Telemetry;

/// <summary>
/// Carries W3C trace context (<c>traceparent</c>, <c>tracestate</c>) in message headers with the BCL's W3C propagator
/// and parser, so any header map works as a carrier and nothing beyond the header values is allocated.
/// </summary>
public static class TraceContextPropagation
{
    /// <summary>The W3C header that names the trace and the parent span.</summary>
    public const string TraceParentHeader = "traceparent";

    /// <summary>The W3C header with vendor-specific trace state; written only when there is some.</summary>
    public const string TraceStateHeader = "tracestate";

    // Explicitly W3C: the default propagator has changed between .NET versions (it was the legacy Request-Id one).
    private static readonly DistributedContextPropagator Propagator = DistributedContextPropagator.CreateW3CPropagator();

    /// <summary>
    /// Writes <paramref name="activity"/>'s context into <paramref name="carrier"/> through <paramref name="setter"/>:
    /// <c>traceparent</c> (the activity's cached id, so a whole batch shares one string), <c>tracestate</c> when set,
    /// and <c>baggage</c> when the activity carries any. Nothing is written without an activity.
    /// </summary>
    public static void Inject(Activity? activity, object? carrier, DistributedContextPropagator.PropagatorSetterCallback setter) =>
        Propagator.Inject(activity, carrier, setter);

    /// <summary>The context a producer wrote into <paramref name="carrier"/>, or <c>default</c> when there is none or it is malformed.</summary>
    public static ActivityContext Extract<TCarrier>(TCarrier carrier, Func<TCarrier, string, string?> getter)
    {
        ArgumentNullException.ThrowIfNull(getter);

        return getter(carrier, TraceParentHeader) is { } traceParent
            && ActivityContext.TryParse(traceParent, getter(carrier, TraceStateHeader), isRemote: true, out var context)
            ? context
            : default;
    }

    /// <summary>The context a producer wrote into <paramref name="headers"/>, or <c>default</c> when there is none or it is malformed.</summary>
    public static ActivityContext Extract(IReadOnlyDictionary<string, string> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);

        return Extract(headers, static (carrier, name) => carrier.GetValueOrDefault(name));
    }
}
