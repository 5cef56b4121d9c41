using System.Diagnostics;
using System.Text;
using IggyAspire.Messaging.Consuming;
using IggyAspire.Messaging.Contract;
using IggyAspire.Messaging.Options;
using IggyAspire.Messaging.Telemetry;
using IggyAspire.Messaging.Topology;
using IggyAspire.Messaging.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace IggyAspire.UnitTests.Messaging;

public sealed class MessageConsumerTests : IDisposable
{
    private readonly FakeIggyTransport _transport = new();
    private readonly FakeTimeProvider _time = new();
    private readonly FakeLogger<MessageConsumer> _logger = new();
    private readonly MessagingInstrumentation _instrumentation = new(new MessagingInstrumentationOptions());
    private readonly CancellationTokenSource _stopping = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

    [Fact]
    public async Task It_joins_the_group_then_stores_the_last_offset_of_each_batch_after_processing_it()
    {
        _transport.EnqueuePoll(Batch(partitionId: 2, (5, Valid(11)), (6, Valid(12))));
        var run = Consumer(out _).RunAsync(_stopping.Token);

        var stored = await Clock.NextAdvancingAsync(_transport.Stores, _time, TimeSpan.FromMilliseconds(100));

        Assert.Equal((2u, 6UL), stored);
        Assert.Equal(1, _transport.Joins);
        Assert.Contains("group:demo-consumers", _transport.Created);
        var consumed = Logs(LogLevel.Information).Where(message => message.StartsWith("Consumed", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, consumed.Count);
        Assert.StartsWith("Consumed message 11 'hello' from partition 2 at offset 5", consumed[0], StringComparison.Ordinal);
        Assert.StartsWith("Consumed message 12 'hello' from partition 2 at offset 6", consumed[1], StringComparison.Ordinal);
        await StopAsync(run);
    }

    [Fact]
    public async Task Shutdown_still_stores_the_offset_of_a_batch_already_processed()
    {
        _transport.StoreGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _transport.EnqueuePoll(Batch(partitionId: 1, (7, Valid(3))));
        var run = Consumer(out _).RunAsync(_stopping.Token);
        await _transport.StoreEntered.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        await _stopping.CancelAsync();
        _transport.StoreGate.SetResult();

        await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal((1u, 7UL), await Clock.NextAsync(_transport.Stores));
    }

    [Fact]
    public async Task A_failed_store_is_retried_and_a_store_that_still_fails_leaves_the_batch_to_come_again()
    {
        _transport.FailuresLeft["store"] = 1;
        _transport.EnqueuePoll(Batch(partitionId: 0, (2, Valid(1))));
        var run = Consumer(out _).RunAsync(_stopping.Token);

        Assert.Equal((0u, 2UL), await Clock.NextAdvancingAsync(_transport.Stores, _time, TimeSpan.FromMilliseconds(100)));
        Assert.Contains(Logs(LogLevel.Warning), message => message.StartsWith("Consuming messages failed; retry 1", StringComparison.Ordinal));

        _transport.FailuresLeft["store"] = TransientRetryAttempts + 1;
        _transport.EnqueuePoll(Batch(partitionId: 0, (3, Valid(2))));
        await WaitForLogAsync(LogLevel.Warning, "Storing offset 3 of partition 0 failed; the batch may be delivered again");
        _transport.EnqueuePoll(Batch(partitionId: 0, (3, Valid(2))));

        Assert.Equal((0u, 3UL), await Clock.NextAdvancingAsync(_transport.Stores, _time, TimeSpan.FromMilliseconds(100)));
        Assert.Equal(2, Logs(LogLevel.Information).Count(message => message.StartsWith("Consumed message 2 ", StringComparison.Ordinal)));
        await StopAsync(run);
    }

    [Fact]
    public async Task It_polls_again_only_after_the_poll_interval()
    {
        var run = Consumer(out _).RunAsync(_stopping.Token);

        await Clock.NextAsync(_transport.Polls);
        Assert.False(_transport.Polls.Reader.TryRead(out _), "a second poll came before the interval passed");
        _time.Advance(TimeSpan.FromMilliseconds(500));
        await Clock.NextAsync(_transport.Polls);

        await StopAsync(run);
    }

    [Fact]
    public async Task A_payload_that_is_not_our_message_is_logged_with_its_offset_counted_and_skipped()
    {
        using var capture = new TelemetryCapture();
        _transport.EnqueuePoll(Batch(partitionId: 0, (3, Encoding.UTF8.GetBytes("{not json")), (4, Valid(8))));
        var run = Consumer(out var topic).RunAsync(_stopping.Token);

        var stored = await Clock.NextAdvancingAsync(_transport.Stores, _time, TimeSpan.FromMilliseconds(100));
        await StopAsync(run);

        Assert.Equal((0u, 4UL), stored);
        Assert.Contains(Logs(LogLevel.Warning), message => message.StartsWith("Skipped the message at partition 0 offset 3", StringComparison.Ordinal));
        Assert.Contains(Logs(LogLevel.Information), message => message.StartsWith("Consumed message 8", StringComparison.Ordinal));
        var invalid = Assert.Single(capture.Measurements, m => m.Instrument == "messaging.iggy.consumer.invalid_messages" && Equals(m.Tags[MessagingAttributes.DestinationName], topic));
        Assert.Equal(MessageConsumer.InvalidPayloadError, invalid.Tags[MessagingAttributes.ErrorType]);
    }

    [Fact]
    public async Task Processing_continues_the_producers_trace()
    {
        using var capture = new TelemetryCapture();
        var producer = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        var headers = new Dictionary<string, string> { ["traceparent"] = $"00-{producer.TraceId}-{producer.SpanId}-01" };
        _transport.EnqueuePoll(new PolledBatch(1, 9, [new ReceivedMessage(1, 9, 21, _time.GetUtcNow(), Valid(21), headers)]));
        var run = Consumer(out var topic).RunAsync(_stopping.Token);

        await Clock.NextAdvancingAsync(_transport.Stores, _time, TimeSpan.FromMilliseconds(100));
        await StopAsync(run);

        var process = Assert.Single(capture.Spans, span => span.DisplayName == $"process {topic}");
        Assert.Equal((producer.TraceId, producer.SpanId), (process.TraceId, process.ParentSpanId));
        var receive = Assert.Single(capture.Spans, span => span.DisplayName == $"receive {topic}" && span.Links.Any());
        Assert.Equal(producer.TraceId, Assert.Single(receive.Links).Context.TraceId);
        Assert.Contains(Logs(LogLevel.Information), message => message == $"Consumed message 21 'hello' from partition 1 at offset 9 (trace {producer.TraceId})");
    }

    [Fact]
    public async Task A_failed_poll_is_logged_and_the_consumer_rejoins_and_goes_on()
    {
        _transport.FailuresLeft["poll"] = 1;
        _transport.EnqueuePoll(Batch(partitionId: 0, (0, Valid(1))));
        var run = Consumer(out var topic).RunAsync(_stopping.Token);

        var stored = await Clock.NextAdvancingAsync(_transport.Stores, _time, TimeSpan.FromMilliseconds(100));
        await StopAsync(run);

        Assert.Equal((0u, 0UL), stored);
        Assert.Contains(Logs(LogLevel.Warning), message => message.StartsWith($"Polling {topic} failed", StringComparison.Ordinal));
        Assert.Equal(2, _transport.Joins);
    }

    [Fact]
    public async Task Failed_polls_in_a_row_are_spaced_further_and_further_apart()
    {
        _transport.FailuresLeft["poll"] = 3;
        var run = Consumer(out _).RunAsync(_stopping.Token);
        var polledAt = new List<DateTimeOffset>();

        for (var poll = 0; poll < 4; poll++)
        {
            await Clock.NextAdvancingAsync(_transport.Polls, _time, TimeSpan.FromMilliseconds(50));
            polledAt.Add(_time.GetUtcNow());
        }

        await StopAsync(run);
        // The poll interval is 500 ms: after one failure the consumer waits 1 s, after two 2 s, after three 4 s.
        var gaps = polledAt.Zip(polledAt.Skip(1), (earlier, later) => later - earlier).ToList();
        Assert.True(gaps[0] >= TimeSpan.FromSeconds(1), $"gap after one failure: {gaps[0]}");
        Assert.True(gaps[1] >= TimeSpan.FromSeconds(2), $"gap after two failures: {gaps[1]}");
        Assert.True(gaps[2] >= TimeSpan.FromSeconds(4), $"gap after three failures: {gaps[2]}");
    }

    [Fact]
    public async Task The_lag_of_the_polled_partition_is_recorded_after_storing()
    {
        using var capture = new TelemetryCapture();
        _transport.Offsets[0] = new PartitionOffsets(0, CurrentOffset: 10, StoredOffset: 4);
        _transport.EnqueuePoll(Batch(partitionId: 0, (4, Valid(5))));
        var run = Consumer(out var topic).RunAsync(_stopping.Token);

        await Clock.NextAdvancingAsync(_transport.Stores, _time, TimeSpan.FromMilliseconds(100));
        await Clock.NextAdvancingAsync(_transport.Polls, _time, TimeSpan.FromMilliseconds(100));
        await StopAsync(run);
        capture.CollectObservables();

        var lag = capture.Measurements.Last(m => m.Instrument == "messaging.iggy.consumer.lag" && Equals(m.Tags[MessagingAttributes.DestinationName], topic));
        Assert.Equal(6, lag.Value);
    }

    public void Dispose()
    {
        _instrumentation.Dispose();
        _stopping.Dispose();
    }

    private MessageConsumer Consumer(out string topic)
    {
        // Each test gets its own topic so parallel tests' spans and metrics are told apart.
        topic = $"demo-topic-{Guid.NewGuid():N}";
        var options = Microsoft.Extensions.Options.Options.Create(new TopologyOptions { Topic = topic });
        return new MessageConsumer(
            _transport,
            new TopologyInitializer(_transport, options, _time, NullLogger<TopologyInitializer>.Instance),
            options,
            Microsoft.Extensions.Options.Options.Create(new ConsumerOptions()),
            _instrumentation,
            _time,
            _logger);
    }

    private async Task StopAsync(Task run)
    {
        await _stopping.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    private const int TransientRetryAttempts = 5;

    private async Task WaitForLogAsync(LogLevel level, string prefix)
    {
        await Clock.AdvanceUntilAsync(_time, () => Logs(level).Any(message => message.StartsWith(prefix, StringComparison.Ordinal)), TimeSpan.FromMilliseconds(100));

        Assert.Contains(Logs(level), message => message.StartsWith(prefix, StringComparison.Ordinal));
    }

    private List<string> Logs(LogLevel level) => [.. _logger.Collector.GetSnapshot().Where(log => log.Level == level).Select(log => log.Message)];

    private byte[] Valid(long id) => DemoMessageSerializer.Serialize(new DemoMessage(id, "hello", _time.GetUtcNow()));

    private PolledBatch Batch(uint partitionId, params (ulong Offset, byte[] Payload)[] messages) =>
        new(partitionId, messages[^1].Offset, [.. messages.Select(m => new ReceivedMessage(partitionId, m.Offset, 0, _time.GetUtcNow(), m.Payload, new Dictionary<string, string>()))]);
}
