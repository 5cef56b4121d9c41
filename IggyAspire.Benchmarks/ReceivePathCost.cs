using System.Diagnostics;
using System.Text.Json;
using Apache.Iggy.Contracts;
using Apache.Iggy.Headers;
using Apache.Iggy.Messages;
using BenchmarkDotNet.Attributes;
using IggyAspire.Client;
using IggyAspire.Messaging;
using IggyAspire.Messaging.Consuming;
using IggyAspire.Messaging.Telemetry;
using IggyAspire.Producer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace IggyAspire.Benchmarks;

/// <summary>
/// One poll of <see cref="BatchSize"/> messages through the real path, the consumer's poll over IggyAspire.Client's
/// transport (the SDK's answer turned into ours, the receive span, each message's trace context, process span,
/// envelope, handler in its scope, metrics, and the offset stored), beside its limit: for each bare Apache.Iggy
/// message its envelope read, one span and its trace header parsed. Target: the real path within 1.2 times its limit.
/// </summary>
[MemoryDiagnoser]
public class ReceivePathCost : IDisposable
{
    private static readonly HeaderKey TraceParent = HeaderKey.FromString("traceparent");

    private BenchmarkListeners _listeners = null!;
    private MessagingInstrumentation _instrumentation = null!;
    private ServiceProvider _handlers = null!;
    private IggyConsumer<DemoMessage> _consumer = null!;
    private PolledMessages _polled = null!;
    private CancellationTokenSource _stopping = null!;

    [Params(1, 100)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _listeners = new BenchmarkListeners();
        _instrumentation = new MessagingInstrumentation(new MessagingInstrumentationOptions());
        _stopping = new CancellationTokenSource();

        // As the producer sent them: one send's trace context on every message.
        var send = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        var headers = new Dictionary<HeaderKey, HeaderValue> { [TraceParent] = HeaderValue.FromString($"00-{send.TraceId}-{send.SpanId}-01") };
        _polled = new PolledMessages
        {
            PartitionId = 0,
            CurrentOffset = (ulong)BatchSize - 1,
            Messages = [.. Enumerable.Range(0, BatchSize).Select(offset => new MessageResponse
            {
                Header = new MessageHeader { Id = (UInt128)(offset + 1), Offset = (ulong)offset, Timestamp = DateTimeOffset.UtcNow },
                Payload = JsonSerializer.SerializeToUtf8Bytes(new DemoMessage(offset + 1, "hello from producer", DateTimeOffset.UtcNow), DemoMessageJsonContext.Default.DemoMessage),
                UserHeaders = headers,
            })],
        };

        var (boundary, client) = SdkBoundary.Create();
        boundary.Polled = _polled;
        boundary.Group = new ConsumerGroupResponse { Id = 1, Name = "demo-consumers", MembersCount = 1, PartitionsCount = 1, Members = [new() { Id = 1, PartitionsCount = 1, Partitions = [0] }] };
        var transport = new IggyTransport(IggyClientConnection.Over(client, new("localhost", 8090)));
        _handlers = new ServiceCollection().AddScoped<IIggyMessageHandler<DemoMessage>, NoOpHandler>().BuildServiceProvider();
        var settings = new IggyConsumerSettings { Stream = "demo-stream", Topic = "demo-topic", ConsumerGroup = "demo-consumers", BatchSize = BatchSize, DisableTopologyCreation = true };
        _consumer = new IggyConsumer<DemoMessage>(transport, settings, new IggyJsonMessageSerializer<DemoMessage>(DemoMessageJsonContext.Default.DemoMessage),
            _handlers.GetRequiredService<IServiceScopeFactory>(), _instrumentation, TimeProvider.System, NullLogger<IggyConsumer<DemoMessage>>.Instance);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _listeners.Dispose();
        _instrumentation.Dispose();
        _handlers.Dispose();
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The limit: for each message, its trace header parsed, one span under it and its envelope read.</summary>
    [Benchmark(Baseline = true)]
    public long Limit()
    {
        var ids = 0L;
        foreach (var message in _polled.Messages)
        {
            ActivityContext.TryParse(message.UserHeaders![TraceParent].ToString(), null, isRemote: true, out var producer);
            using var span = BenchmarkListeners.LimitSource.StartActivity("process demo-topic", ActivityKind.Consumer, producer);
            ids += JsonSerializer.Deserialize(message.Payload, DemoMessageJsonContext.Default.DemoMessage)!.Id;
        }

        return ids;
    }

    /// <summary>The real path: one poll of the consumer, its messages handled and the offset stored.</summary>
    [Benchmark]
    public Task<bool> Real() => _consumer.PollOnceAsync(_stopping.Token, _stopping.Token);

    private sealed class NoOpHandler : IIggyMessageHandler<DemoMessage>
    {
        public Task HandleAsync(IggyMessage<DemoMessage> message, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
