using System.Text;
using IggyAspire.Messaging;
using IggyAspire.Messaging.Telemetry;
using IggyAspire.Messaging.Transport;
using IggyAspire.Producer;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace IggyAspire.UnitTests.Messaging;

/// <summary>The demo's producer loop (compiled in from IggyAspire.Producer) over the package's producer and a fake transport.</summary>
public sealed class DemoProducerTests : IDisposable
{
    private static readonly IggyJsonMessageSerializer<DemoMessage> Serializer = new(DemoMessageJsonContext.Default.DemoMessage);

    private readonly FakeIggyTransport _transport = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeLogCollector _logs = new();
    private readonly MessagingInstrumentation _instrumentation = new(new MessagingInstrumentationOptions());
    private readonly CancellationTokenSource _stopping = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

    [Fact]
    public async Task It_sends_at_once_then_once_per_interval_with_ids_counting_up()
    {
        var run = Producer(new DemoProducerOptions { Interval = TimeSpan.FromSeconds(1) }).RunAsync(_stopping.Token);

        var first = await Clock.NextAsync(_transport.Sends);
        Assert.False(_transport.Sends.Reader.TryRead(out _), "a second send came before the interval passed");
        _time.Advance(TimeSpan.FromSeconds(1));
        var second = await Clock.NextAsync(_transport.Sends);

        Assert.Equal([1L], Ids(first.Messages));
        Assert.Equal([2L], Ids(second.Messages));
        Assert.Equal((UInt128)1, first.Messages[0].Id);
        var message = Read(first.Messages[0]);
        Assert.Equal(("hello from producer", _time.GetUtcNow() - TimeSpan.FromSeconds(1)), (message.Text, message.Ts));
        await StopAsync(run);
    }

    [Fact]
    public async Task Each_interval_on_the_clock_gives_exactly_one_more_send()
    {
        var run = Producer(new DemoProducerOptions { Interval = TimeSpan.FromSeconds(2) }).RunAsync(_stopping.Token);
        var sends = new List<OutgoingMessage[]> { (await Clock.NextAsync(_transport.Sends)).Messages };

        for (var tick = 1; tick <= 5; tick++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            Assert.False(_transport.Sends.Reader.TryRead(out _), $"a send came half an interval after tick {tick - 1}");
            _time.Advance(TimeSpan.FromSeconds(1));
            sends.Add((await Clock.NextAsync(_transport.Sends)).Messages);
        }

        await StopAsync(run);
        Assert.False(_transport.Sends.Reader.TryRead(out _), "more sends than intervals");
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L], sends.SelectMany(Ids));
        Assert.Equal(TimeSpan.FromSeconds(2), Read(sends[5][0]).Ts - Read(sends[4][0]).Ts);
    }

    [Fact]
    public async Task A_batch_size_sends_that_many_messages_in_one_send()
    {
        var run = Producer(new DemoProducerOptions { BatchSize = 3 }).RunAsync(_stopping.Token);

        var batch = await Clock.NextAsync(_transport.Sends);

        Assert.Equal([1L, 2L, 3L], Ids(batch.Messages));
        await StopAsync(run);
    }

    [Fact]
    public async Task Ids_continue_after_the_highest_id_already_in_the_topic()
    {
        _transport.LastMessages.Add(Received(0, Serializer.Serialize(new DemoMessage(9, "x", _time.GetUtcNow()))));
        _transport.LastMessages.Add(Received(1, Serializer.Serialize(new DemoMessage(5, "x", _time.GetUtcNow()))));
        _transport.LastMessages.Add(Received(2, Encoding.UTF8.GetBytes("somebody else's bytes")));

        var run = Producer(new DemoProducerOptions()).RunAsync(_stopping.Token);

        var first = await Clock.NextAsync(_transport.Sends);

        Assert.Equal([10L], Ids(first.Messages));
        await StopAsync(run);
    }

    [Fact]
    public async Task Each_send_carries_its_own_producer_span_as_trace_context()
    {
        using var capture = new TelemetryCapture();
        var run = Producer(new DemoProducerOptions()).RunAsync(_stopping.Token);

        var send = await Clock.NextAsync(_transport.Sends);
        await StopAsync(run);

        var span = Assert.Single(capture.Spans, span => span.SpanId == send.Context.SpanId);
        Assert.Equal("send demo-topic", span.DisplayName);
        Assert.Contains(_logs.GetSnapshot(), log => log.Message == $"Sent message 1 to demo-stream/demo-topic (trace {span.TraceId})");
    }

    [Fact]
    public async Task A_failed_send_is_retried_with_backoff_and_nothing_is_lost()
    {
        _transport.FailuresLeft["send"] = 2;
        var run = Producer(new DemoProducerOptions()).RunAsync(_stopping.Token);

        Assert.Empty((await Clock.NextAsync(_transport.Sends)).Messages);
        // The clock has not moved: the retry waits for it.
        Assert.False(_transport.Sends.Reader.TryRead(out _), "the failed send was retried without a pause");
        Assert.Empty((await Clock.NextAdvancingAsync(_transport.Sends, _time, TimeSpan.FromMilliseconds(100))).Messages);
        var delivered = await Clock.NextAdvancingAsync(_transport.Sends, _time, TimeSpan.FromMilliseconds(100));

        Assert.Equal([1L], Ids(delivered.Messages));
        Assert.Equal(2, _logs.GetSnapshot().Count(log => log.Level == LogLevel.Warning && log.Message.StartsWith("Sending to demo-stream/demo-topic failed; retry", StringComparison.Ordinal)));
        await StopAsync(run);
    }

    [Fact]
    public async Task A_send_that_outlasts_the_retries_is_logged_and_sent_again_with_the_same_ids()
    {
        _transport.FailuresLeft["send"] = TransientRetryAttempts + 1;
        var run = Producer(new DemoProducerOptions()).RunAsync(_stopping.Token);

        for (var attempt = 0; attempt <= TransientRetryAttempts; attempt++)
        {
            Assert.Empty((await Clock.NextAdvancingAsync(_transport.Sends, _time, TimeSpan.FromMilliseconds(100))).Messages);
        }

        var delivered = await Clock.NextAdvancingAsync(_transport.Sends, _time, TimeSpan.FromMilliseconds(100));

        Assert.Equal([1L], Ids(delivered.Messages));
        Assert.Contains(_logs.GetSnapshot(), log => log.Level == LogLevel.Error && log.Message.StartsWith("Could not send messages 1..1", StringComparison.Ordinal));
        await StopAsync(run);
    }

    [Fact]
    public async Task Shutdown_waits_for_the_send_in_flight()
    {
        _transport.SendGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = Producer(new DemoProducerOptions()).RunAsync(_stopping.Token);
        await _transport.SendEntered.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        await _stopping.CancelAsync();
        Assert.False(run.IsCompleted, "the producer returned while its send was still in flight");
        _transport.SendGate.SetResult();

        await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var delivered = await Clock.NextAsync(_transport.Sends);
        Assert.Equal([1L], Ids(delivered.Messages));
    }

    [Fact]
    public async Task Shutdown_gives_up_on_a_send_that_outlasts_the_grace_and_says_so()
    {
        _transport.SendGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = Producer(new DemoProducerOptions()).RunAsync(_stopping.Token);
        await _transport.SendEntered.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        await _stopping.CancelAsync();
        _time.Advance(DemoProducer.ShutdownGrace - TimeSpan.FromMilliseconds(1));
        Assert.False(run.IsCompleted, "the producer gave up before the grace ran out");
        _time.Advance(TimeSpan.FromMilliseconds(1));

        await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Contains(_logs.GetSnapshot(), log => log.Level == LogLevel.Error && log.Message.StartsWith("Shutdown gave up sending messages 1..1", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        _instrumentation.Dispose();
        _stopping.Dispose();
    }

    private const int TransientRetryAttempts = 5;

    private DemoProducer Producer(DemoProducerOptions options)
    {
        var settings = new IggyProducerSettings { Stream = "demo-stream", Topic = "demo-topic" };
        return new DemoProducer(
            new IggyProducer<DemoMessage>(_transport, settings, Serializer, _instrumentation, _time, new FakeLogger<IggyProducer<DemoMessage>>(_logs)),
            Microsoft.Extensions.Options.Options.Create(options),
            _time,
            new FakeLogger<DemoProducer>(_logs));
    }

    private async Task StopAsync(Task run)
    {
        await _stopping.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    private static long[] Ids(OutgoingMessage[] messages) => [.. messages.Select(message => Read(message).Id)];

    private static DemoMessage Read(OutgoingMessage message) => Serializer.Deserialize(message.Payload);

    private ReceivedMessage Received(uint partitionId, byte[] payload) =>
        new(partitionId, 0, 0, _time.GetUtcNow(), payload, new Dictionary<string, string>());
}
