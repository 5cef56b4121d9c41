using IggyAspire.Messaging;
using IggyAspire.Messaging.Consuming;
using IggyAspire.Messaging.Telemetry;
using IggyAspire.Producer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace IggyAspire.UnitTests.Messaging;

/// <summary>What the consumer's polls put on the dashboard: an empty poll has no partition to report.</summary>
public sealed class ConsumerReceiveTelemetryTests : IDisposable
{
    private readonly FakeIggyTransport _transport = new();
    private readonly FakeTimeProvider _time = new();
    private readonly MessagingInstrumentation _instrumentation = new(new MessagingInstrumentationOptions());
    private readonly CancellationTokenSource _stopping = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
    private readonly ServiceProvider _handlers = new ServiceCollection().BuildServiceProvider();

    [Fact]
    public async Task An_empty_poll_is_timed_without_a_partition_and_its_span_names_none()
    {
        using var capture = new TelemetryCapture();
        var topic = $"empty-poll-topic-{Guid.NewGuid():N}";
        var run = Consumer(topic).RunAsync(_stopping.Token);

        // The fake answers every poll with Apache.Iggy's empty batch, which says partition 0. The second poll starts
        // only after the first was recorded.
        await Clock.NextAdvancingAsync(_transport.Polls, _time, TimeSpan.FromMilliseconds(100));
        await Clock.NextAdvancingAsync(_transport.Polls, _time, TimeSpan.FromMilliseconds(100));
        await _stopping.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        var receives = capture.Measurements.Where(m => m.Instrument == "messaging.client.operation.duration" && Equals(m.Tags.GetValueOrDefault(MessagingAttributes.DestinationName), topic)).ToList();
        Assert.NotEmpty(receives);
        Assert.All(receives, receive => Assert.DoesNotContain(MessagingAttributes.PartitionId, receive.Tags.Keys));
        var spans = capture.Spans.Where(span => Equals(span.GetTagItem(MessagingAttributes.DestinationName), topic)).ToList();
        Assert.NotEmpty(spans);
        Assert.All(spans, span => Assert.Null(span.GetTagItem(MessagingAttributes.PartitionId)));
        Assert.All(spans, span => Assert.Equal(0, span.GetTagItem(MessagingAttributes.BatchMessageCount)));
    }

    public void Dispose()
    {
        _instrumentation.Dispose();
        _stopping.Dispose();
        _handlers.Dispose();
    }

    private IggyConsumer<DemoMessage> Consumer(string topic) => new(
        _transport,
        new IggyConsumerSettings { Stream = "demo-stream", Topic = topic, ConsumerGroup = "demo-consumers" },
        new IggyJsonMessageSerializer<DemoMessage>(DemoMessageJsonContext.Default.DemoMessage),
        _handlers.GetRequiredService<IServiceScopeFactory>(),
        _instrumentation,
        _time,
        NullLogger<IggyConsumer<DemoMessage>>.Instance);
}
