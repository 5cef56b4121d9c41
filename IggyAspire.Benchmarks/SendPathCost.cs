using System.Diagnostics;
using System.Text.Json;
using Apache.Iggy.Messages;
using BenchmarkDotNet.Attributes;
using IggyAspire.Client;
using IggyAspire.Messaging;
using IggyAspire.Messaging.Telemetry;
using IggyAspire.Producer;
using Microsoft.Extensions.Logging.Abstractions;

namespace IggyAspire.Benchmarks;

/// <summary>
/// One send of <see cref="BatchSize"/> messages through the real path, <see cref="IggyProducer{TMessage}.SendBatchAsync(IReadOnlyList{TMessage}, CancellationToken)"/>
/// over IggyAspire.Client's transport and connection to the SDK's <c>SendMessagesAsync</c>, beside its limit: the
/// same messages as bare Apache.Iggy <see cref="Message"/>s with their serialized envelopes, one span and the trace
/// headers. Target: the real path within 1.2 times its limit.
/// </summary>
[MemoryDiagnoser]
public class SendPathCost : IDisposable
{

    private readonly IggyJsonMessageSerializer<DemoMessage> _serializer = new(DemoMessageJsonContext.Default.DemoMessage);
    private BenchmarkListeners _listeners = null!;
    private MessagingInstrumentation _instrumentation = null!;
    private IggyProducer<DemoMessage> _producer = null!;
    private DemoMessage[] _messages = [];

    [Params(1, 100)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _listeners = new BenchmarkListeners();
        _instrumentation = new MessagingInstrumentation(new MessagingInstrumentationOptions());
        var (_, client) = SdkBoundary.Create();
        var transport = new IggyTransport(IggyClientConnection.Over(client, new("localhost", 8090)));
        var settings = new IggyProducerSettings { Stream = "demo-stream", Topic = "demo-topic", DisableTopologyCreation = true };
        _producer = new IggyProducer<DemoMessage>(transport, settings, _serializer, _instrumentation, TimeProvider.System, NullLogger<IggyProducer<DemoMessage>>.Instance);
        _messages = [.. Enumerable.Range(1, BatchSize).Select(id => new DemoMessage(id, "hello from producer", DateTimeOffset.UtcNow))];
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _listeners.Dispose();
        _instrumentation.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The limit: envelopes, bare SDK messages, one span and the trace headers they share.</summary>
    [Benchmark(Baseline = true)]
    public List<Message> Limit()
    {
        using var span = BenchmarkListeners.LimitSource.StartActivity("send demo-topic", ActivityKind.Producer);
        var headers = IggyMessageHeaders.FromCurrentActivity();
        var batch = new List<Message>(_messages.Length);
        foreach (var message in _messages)
        {
            batch.Add(new Message((UInt128)message.Id, JsonSerializer.SerializeToUtf8Bytes(message, DemoMessageJsonContext.Default.DemoMessage), headers));
        }

        return batch;
    }

    /// <summary>The real path: ids, envelopes, the send span with its attributes, retry, metrics, the SDK's messages.</summary>
    [Benchmark]
    public Task<IggySendResult> Real() => _producer.SendBatchAsync(_messages);
}
