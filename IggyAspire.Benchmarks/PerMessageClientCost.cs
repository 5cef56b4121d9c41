using System.Diagnostics;
using Apache.Iggy.Messages;
using BenchmarkDotNet.Attributes;
using IggyAspire.Client;
using IggyAspire.Messaging.Connection;
using IggyAspire.Messaging.Contract;
using IggyAspire.Messaging.Telemetry;
using IggyAspire.Messaging.Transport;

namespace IggyAspire.Benchmarks;

/// <summary>
/// What the producer spends on one message before the SDK writes it to the socket: the JSON envelope, the
/// <c>send</c> span (sampled and recorded, as when the dashboard's exporter listens) and the trace headers in an
/// Apache.Iggy <see cref="Message"/>. Target: at most 1 µs per message, and no allocation beyond what the Message
/// needs (payload bytes, header map, header values), with the span's share spread over a batch.
/// </summary>
[MemoryDiagnoser]
public class PerMessageClientCost : IDisposable
{
    private const int Batch = 100;

    private static readonly IggyServerAddress Server = new("localhost", 8090);

    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private readonly long[] _singleId = [1];
    private readonly long[] _batchIds = [.. Enumerable.Range(1, Batch).Select(id => (long)id)];
    private readonly OutgoingMessage[] _single = new OutgoingMessage[1];
    private readonly OutgoingMessage[] _batch = new OutgoingMessage[Batch];
    private MessagingInstrumentation _instrumentation = null!;
    private ActivityListener _listener = null!;

    [GlobalSetup]
    public void Setup()
    {
        _instrumentation = new MessagingInstrumentation(new MessagingInstrumentationOptions());
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == MessagingTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _listener.Dispose();
        _instrumentation.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>One message per send, the producer's default: every message pays for a whole span.</summary>
    [Benchmark(Baseline = true)]
    public List<Message> OneMessagePerSend()
    {
        using var send = _instrumentation.StartSend("demo-stream", "demo-topic", Server, _singleId);
        _single[0] = Envelope(1);
        return IggyTransport.ToMessages(_single);
    }

    /// <summary>A batch of 100 per send (Iggy:Producer:BatchSize=100): the span is shared, so each message pays ~1/100 of it.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public List<Message> HundredMessagesPerSend()
    {
        using var send = _instrumentation.StartSend("demo-stream", "demo-topic", Server, _batchIds);
        for (var i = 0; i < Batch; i++)
        {
            _batch[i] = Envelope(_batchIds[i]);
        }

        return IggyTransport.ToMessages(_batch);
    }

    // What MessageProducer does per message before handing the batch to the transport.
    private OutgoingMessage Envelope(long id) =>
        new((UInt128)id, DemoMessageSerializer.Serialize(new DemoMessage(id, "hello from producer", _now)));
}
