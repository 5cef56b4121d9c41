using System.Diagnostics;

namespace IggyAspire.Messaging.Telemetry;

/// <summary>
/// Carries W3C trace context (<c>traceparent</c>, <c>tracestate</c>) in message headers with the BCL's propagator,
/// so any header map works as a carrier and nothing beyond the header values is allocated.
/// </summary>
public static class TraceContextPropagation
{
    private static readonly DistributedContextPropagator Propagator = DistributedContextPropagator.CreateDefaultPropagator();

    /// <summary>Writes <paramref name="activity"/>'s context into <paramref name="carrier"/> through <paramref name="setter"/>.</summary>
    public static void Inject(Activity? activity, object? carrier, DistributedContextPropagator.PropagatorSetterCallback setter) =>
        Propagator.Inject(activity, carrier, setter);

    /// <summary>The context a producer wrote into <paramref name="headers"/>, or <c>default</c> when there is none or it is malformed.</summary>
    public static ActivityContext Extract(IReadOnlyDictionary<string, string> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);

        Propagator.ExtractTraceIdAndState(headers, static (carrier, name, out value, out values) =>
        {
            values = null;
            value = ((IReadOnlyDictionary<string, string>)carrier!).GetValueOrDefault(name);
        }, out var traceParent, out var traceState);

        return ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context) ? context : default;
    }
}
