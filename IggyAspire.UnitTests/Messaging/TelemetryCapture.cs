using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using IggyAspire.Messaging.Telemetry;

namespace IggyAspire.UnitTests.Messaging;

/// <summary>
/// Listens to the messaging source and meter as the dashboard's exporter would. Tests run in parallel and every
/// instrumentation shares the names, so each test uses its own topic and filters on it.
/// </summary>
internal sealed class TelemetryCapture : IDisposable
{
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters = new();

    public TelemetryCapture()
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == MessagingTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_activities);

        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MessagingTelemetry.MeterName && Instruments.TryAdd(instrument, 0))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.Start();
    }

    public ConcurrentQueue<Activity> Spans { get; } = new();

    public ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> Measurements { get; } = new();

    private ConcurrentDictionary<Instrument, int> Instruments { get; } = new();

    public void CollectObservables() => _meters.RecordObservableInstruments();

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        Measurements.Enqueue((instrument.Name, value, copy));
    }
}
