using System.Diagnostics;
using System.Diagnostics.Metrics;
using IggyAspire.Messaging.Telemetry;

namespace IggyAspire.Benchmarks;

/// <summary>
/// As when the dashboard's exporter listens: every span of the messaging source, and of the limits' own
/// <see cref="LimitSource"/>, sampled and recorded, every messaging measurement taken.
/// </summary>
internal sealed class BenchmarkListeners : IDisposable
{
    /// <summary>The source of the limits' one span, listened to as the messaging source is.</summary>
    public static readonly ActivitySource LimitSource = new(MessagingTelemetry.ActivitySourceName + ".Limit");

    private readonly ActivityListener _spans = new()
    {
        ShouldListenTo = source => source.Name == MessagingTelemetry.ActivitySourceName || source == LimitSource,
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
    };

    private readonly MeterListener _measurements = new()
    {
        InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MessagingTelemetry.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        },
    };

    public BenchmarkListeners()
    {
        ActivitySource.AddActivityListener(_spans);
        _measurements.SetMeasurementEventCallback<long>(static (_, _, _, _) => { });
        _measurements.SetMeasurementEventCallback<double>(static (_, _, _, _) => { });
        _measurements.Start();
    }

    public void Dispose()
    {
        _spans.Dispose();
        _measurements.Dispose();
    }
}
