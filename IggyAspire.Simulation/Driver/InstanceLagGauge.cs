using System.Diagnostics.Metrics;
using System.Globalization;
using IggyAspire.Messaging.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace IggyAspire.Simulation.Driver;

/// <summary>
/// One consumer instance's telemetry, in a meter factory of its own as each worker process has (its host's), so that
/// its lag gauge can be read apart from the other instance's, as the dashboard reads each replica's.
/// </summary>
internal sealed class InstanceLagGauge : IDisposable
{
    private const string LagInstrument = "messaging.iggy.consumer.lag";

    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly IMeterFactory _factory;

    public InstanceLagGauge()
    {
        _factory = _meters.GetRequiredService<IMeterFactory>();
        Instrumentation = new MessagingInstrumentation(new MessagingInstrumentationOptions(), _factory);
    }

    public MessagingInstrumentation Instrumentation { get; }

    /// <summary>What the gauge reports now: each partition's lag, by partition id.</summary>
    public IReadOnlyDictionary<uint, long> Read()
    {
        var lag = new Dictionary<uint, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            if (instrument.Name == LagInstrument && ReferenceEquals(instrument.Meter.Scope, _factory))
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == MessagingAttributes.PartitionId)
                {
                    lag[uint.Parse((string)tag.Value!, CultureInfo.InvariantCulture)] = value;
                }
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return lag;
    }

    public void Dispose()
    {
        Instrumentation.Dispose();
        _meters.Dispose();
    }
}
