using System.Diagnostics;
using System.Text;
using IggyAspire.Consumer;
using IggyAspire.Messaging;
using IggyAspire.Messaging.Consuming;
using IggyAspire.Messaging.Telemetry;
using IggyAspire.Messaging.Transport;
using IggyAspire.Producer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace IggyAspire.UnitTests.Messaging;

/// <summary>The package's consumer with the demo's handler (compiled in from IggyAspire.Consumer) over a fake transport.</summary>
public sealed class IggyConsumerTests : IDisposable
{
    private static readonly TimeSpan PollInterval = new IggyConsumerSettings().PollInterval;
    private static readonly IggyJsonMessageSerializer<DemoMessage> Serializer = new(DemoMessageJsonContext.Default.DemoMessage);

    private readonly FakeTimeProvider _time = new();
    private readonly FakeIggyTransport _transport;
    private readonly FakeLogCollector _logs = new();
    private readonly List<ServiceProvider> _services = [];
    private readonly MessagingInstrumentation _instrumentation = new(new MessagingInstrumentationOptions());
    private readonly CancellationTokenSource _stopping = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

    public IggyConsumerTests() => _transport = new FakeIggyTransport(_time);

    [Fact]
    public async Task It_joins_the_group_then_stores_the_last_offset_of_each_batch_after_processing_it()
    {
        _transport.Append(Message(partitionId: 2, 5, Valid(11)), Message(partitionId: 2, 6, Valid(12)));
        var run = Consumer(out _).RunAsync(_stopping.Token);

        var stored = await Clock.NextAdvancingAsync(_transport.Stores, _time, TimeSpan.FromMilliseconds(100));

        Assert.Equal((2u, 6UL), stored);
        Assert.Equal(1, _transport.Joins);
        Assert.Contains("group:demo-consumers", _transport.Created);
        var consumed = Consumed();
        Assert.Equal(2, consumed.Count);
        Assert.StartsWith("Consumed message 11 'hello' from partition 2 at offset 5", consumed[0], StringComparison.Ordinal);
        Assert.StartsWith("Consumed message 12 'hello' from partition 2 at offset 6", consumed[1], StringComparison.Ordinal);
        await StopAsync(run);
    }

    [Fact]
    public async Task Every_message_of_the_batch_is_processed_before_its_offset_is_stored()
    {
        // At-least-once: a consumer that dies between the store and the processing must not have stored anything yet.
        _transport.StoreGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _transport.Append(Message(partitionId: 0, 0, Valid(1)), Message(partitionId: 0, 1, Valid(2)));
        var run = Consumer(out _).RunAsync(_stopping.Token);

        await _transport.StoreEntered.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var consumedWhenTheStoreBegan = Consumed();
        _transport.StoreGate.SetResult();

        Assert.Equal(2, consumedWhenTheStoreBegan.Count);
        Assert.Equal((0u, 1UL), await Clock.NextAsync(_transport.Stores));
        await StopAsync(run);
    }

    [Fact]
    public async Task A_poll_starts_after_the_offset_the_group_stored_before()
    {
        _transport.SetStoredOffset(0, 1);
        _transport.Append(Message(partitionId: 0, 0, Valid(1)), Message(partitionId: 0, 1, Valid(2)), Message(partitionId: 0, 2, Valid(3)));
        var run = Consumer(out _).RunAsync(_stopping.Token);

        Assert.Equal((0u, 2UL), await Clock.NextAdvancingAsync(_transport.Stores, _time, TimeSpan.FromMilliseconds(100)));
        await StopAsync(run);

        Assert.StartsWith("Consumed message 3 ", Assert.Single(Consumed()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shutdown_still_stores_the_offset_of_a_batch_already_processed()
    {
        _transport.StoreGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _transport.Append(Message(partitionId: 1, 7, Valid(3)));
        var run = Consumer(out _).RunAsync(_stopping.Token);
        await _transport.StoreEntered.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        await _stopping.CancelAsync();
        _transport.StoreGate.SetResult();

        await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal((1u, 7UL), await Clock.NextAsync(_transport.Stores));
        Assert.Equal(7UL, _transport.StoredOffset(1));
    }

    [Fact]
    public async Task A_failed_store_is_retried()
    {
        _transport.FailuresLeft["store"] = 1;
        _transport.Append(Message(partitionId: 0, 2, Valid(1)));
        var run = Consumer(out _).RunAsync(_stopping.Token);

        Assert.Equal((0u, 2UL), await Clock.NextAdvancingAsync(_transport.Stores, _time, TimeSpan.FromMilliseconds(100)));
        await StopAsync(run);

        Assert.Contains(Logs(LogLevel.Warning), message => message.StartsWith("Storing the offset failed; retry 1", StringComparison.Ordinal));
        Assert.Single(Consumed());
        Assert.Equal(1, _transport.Joins);
    }

    [Fact]
    public async Task A_store_that_outlasts_the_retries_rejoins_and_the_server_delivers_the_batch_again()
    {
        _transport.FailuresLeft["store"] = TransientRetryAttempts + 1;
        _transport.Append(Message(partitionId: 0, 3, Valid(2)));
        var run = Consumer(out _).RunAsync(_stopping.Token);

        // Nothing re-queues the batch: the fake, like Iggy, serves it again because the group's offset did not move.
        Assert.Equal((0u, 3UL), await Clock.NextAdvancingAsync(_transport.Stores, _time, TimeSpan.FromMilliseconds(100)));
        await StopAsync(run);

        Assert.Contains(Logs(LogLevel.Warning), message => message.StartsWith("Storing offset 3 of partition 0 failed; the batch may be delivered again", StringComparison.Ordinal));
        Assert.Equal(2, Consumed().Count(message => message.StartsWith("Consumed message 2 ", StringComparison.Ordinal)));
        // Group membership lives on the connection, which the failure may have replaced: join again before polling.
        Assert.Equal(2, _transport.Joins);
    }

    [Theory]
    [InlineData(IggyErrorCodes.NotResolvedConsumer)]
    [InlineData(IggyErrorCodes.ConsumerGroupMemberNotFound)]
    public async Task A_store_refused_because_the_partition_is_no_longer_ours_is_not_retried(int refusal)
    {
        // Retried, it could land after the partition came back and move the group's offset back over what the other
        // member committed (the simulation's seed 184).
        _transport.RefuseOnce["store"] = refusal;
        _transport.Append(Message(partitionId: 0, 3, Valid(2)));
        var run = Consumer(out _).RunAsync(_stopping.Token);

        Assert.Equal((0u, 3UL), await Clock.NextAdvancingAsync(_transport.Stores, _time, TimeSpan.FromMilliseconds(100)));
        await StopAsync(run);

        Assert.DoesNotContain(Logs(LogLevel.Warning), message => message.Contains("retry", StringComparison.Ordinal));
        Assert.Contains(Logs(LogLevel.Warning), message => message.StartsWith("Storing offset 3 of partition 0 failed; the batch may be delivered again", StringComparison.Ordinal));
        Assert.Equal(2, _transport.Joins);
    }

    [Fact]
    public async Task Polls_are_one_poll_interval_apart()
    {
        var run = Consumer(out _).RunAsync(_stopping.Token);

        var polledAt = await PollTimesAsync(count: 4, TimeSpan.FromMilliseconds(10));
        await StopAsync(run);

        // The first poll comes at start; the timer paces the others. The pump may see a poll a few steps late.
        Assert.All(Gaps(polledAt).Skip(1), gap => Assert.InRange(gap, PollInterval - TimeSpan.FromMilliseconds(100), PollInterval + TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public async Task A_payload_that_is_not_our_message_is_logged_with_its_offset_counted_and_skipped()
    {
        using var capture = new TelemetryCapture();
        _transport.Append(Message(partitionId: 0, 3, Encoding.UTF8.GetBytes("{not json")), Message(partitionId: 0, 4, Valid(8)));
        var run = Consumer(out var topic).RunAsync(_stopping.Token);

        var stored = await Clock.NextAdvancingAsync(_transport.Stores, _time, TimeSpan.FromMilliseconds(100));
        await StopAsync(run);

        Assert.Equal((0u, 4UL), stored);
        Assert.Contains(Logs(LogLevel.Warning), message => message.StartsWith("The payload at partition 0 offset 3 is not a DemoMessage (", StringComparison.Ordinal) && message.EndsWith("; it is skipped", StringComparison.Ordinal));
        Assert.Contains(Logs(LogLevel.Information), message => message.StartsWith("Consumed message 8", StringComparison.Ordinal));
        var failed = Assert.Single(capture.Measurements, m => m.Instrument == "messaging.iggy.consumer.failed_messages" && Equals(m.Tags[MessagingAttributes.DestinationName], topic));
        Assert.Equal(IggyConsumer<DemoMessage>.InvalidPayloadError, failed.Tags[MessagingAttributes.ErrorType]);
        Assert.Equal(MessagingAttributes.SkipAction, failed.Tags[MessagingAttributes.FailureAction]);
    }

    [Fact]
    public async Task A_message_whose_handler_throws_is_logged_and_skipped_and_the_batch_still_stored()
    {
        _transport.Append(Message(partitionId: 0, 3, Valid(7)), Message(partitionId: 0, 4, Valid(8)));
        var run = Consumer(out _, handlers: services => services.AddScoped<IIggyMessageHandler<DemoMessage>>(_ => new FailingHandler(failingId: 7))).RunAsync(_stopping.Token);

        await Clock.AdvanceUntilAsync(_time, () => _transport.StoredOffset(0) is not null || run.IsCompleted, TimeSpan.FromMilliseconds(100));
        Assert.False(run.IsCompleted, $"the consumer stopped: {run.Exception?.InnerException?.Message}");
        await StopAsync(run);

        Assert.Equal(4UL, _transport.StoredOffset(0));
        var failed = Assert.Single(_logs.GetSnapshot(), log => log.Level == LogLevel.Error);
        Assert.Equal("Handling the message at partition 0 offset 3 failed; it is skipped", failed.Message);
        Assert.IsType<InvalidDataException>(failed.Exception);
    }

    [Fact]
    public async Task Processing_continues_the_producers_trace()
    {
        using var capture = new TelemetryCapture();
        var producer = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        var headers = new Dictionary<string, string> { ["traceparent"] = $"00-{producer.TraceId}-{producer.SpanId}-01" };
        _transport.Append(new ReceivedMessage(1, 9, 21, _time.GetUtcNow(), Valid(21), headers));
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
    public async Task A_failed_poll_is_logged_marked_and_timed_and_the_consumer_rejoins_and_goes_on()
    {
        using var capture = new TelemetryCapture();
        _transport.FailuresLeft["poll"] = 1;
        _transport.Append(Message(partitionId: 0, 0, Valid(1)));
        var run = Consumer(out var topic).RunAsync(_stopping.Token);

        var stored = await Clock.NextAdvancingAsync(_transport.Stores, _time, TimeSpan.FromMilliseconds(100));
        await StopAsync(run);

        Assert.Equal((0u, 0UL), stored);
        Assert.Contains(Logs(LogLevel.Warning), message => message.StartsWith($"Polling {topic} failed", StringComparison.Ordinal));
        Assert.Equal(2, _transport.Joins);
        var failedReceive = Assert.Single(capture.Spans, span => span.DisplayName == $"receive {topic}" && span.Status == ActivityStatusCode.Error);
        Assert.Equal(typeof(IOException).FullName, failedReceive.GetTagItem(MessagingAttributes.ErrorType));
        Assert.Single(capture.Measurements, m => m.Instrument == "messaging.client.operation.duration" && Equals(m.Tags[MessagingAttributes.DestinationName], topic)
            && Equals(m.Tags.GetValueOrDefault(MessagingAttributes.ErrorType), typeof(IOException).FullName));
    }

    [Fact]
    public async Task Failed_polls_in_a_row_are_spaced_twice_as_far_apart_each_time()
    {
        _transport.FailuresLeft["poll"] = 3;
        var run = Consumer(out _).RunAsync(_stopping.Token);

        var polledAt = await PollTimesAsync(count: 4, TimeSpan.FromMilliseconds(50));
        await StopAsync(run);

        // After one failure the consumer waits twice the poll interval, after two four times, after three eight times.
        var tolerance = TimeSpan.FromMilliseconds(250);
        var gaps = Gaps(polledAt);
        Assert.InRange(gaps[0], 2 * PollInterval, (2 * PollInterval) + tolerance);
        Assert.InRange(gaps[1], 4 * PollInterval, (4 * PollInterval) + tolerance);
        Assert.InRange(gaps[2], 8 * PollInterval, (8 * PollInterval) + tolerance);
    }

    [Fact]
    public async Task The_pause_after_failed_polls_stops_growing_at_the_backoff_cap()
    {
        // 500 ms doubled six times is 32 s: from the sixth failure in a row on, the cap (30 s) is the pause.
        _transport.FailuresLeft["poll"] = 8;
        var run = Consumer(out _).RunAsync(_stopping.Token);

        var polledAt = await PollTimesAsync(count: 9, TimeSpan.FromMilliseconds(250));
        await StopAsync(run);

        var tolerance = TimeSpan.FromMilliseconds(750);
        var gaps = Gaps(polledAt);
        Assert.InRange(gaps[4], 32 * PollInterval, (32 * PollInterval) + tolerance);
        Assert.All(gaps.Skip(5), gap => Assert.InRange(gap, ConsumerTimings.MaxPollBackoff, ConsumerTimings.MaxPollBackoff + tolerance));
    }

    [Fact]
    public async Task The_lag_of_the_polled_partition_counts_what_follows_the_offset_it_stored()
    {
        using var capture = new TelemetryCapture();
        _transport.SetStoredOffset(0, 3);
        _transport.Append([.. Enumerable.Range(0, 10).Select(offset => Message(partitionId: 0, (ulong)offset, Valid(offset + 1)))]);
        var run = Consumer(out var topic, settings => settings.BatchSize = 4).RunAsync(_stopping.Token);

        // The first batch is offsets 4 to 7, stored; offsets 8 and 9 follow. The clock has not moved, so no second poll yet.
        Assert.Equal((0u, 7UL), await Clock.NextAsync(_transport.Stores));
        var lag = await LagOnceItIsAsync(capture, topic, new() { ["0"] = 2 });
        await StopAsync(run);

        Assert.Equal(new Dictionary<string, double> { ["0"] = 2 }, lag);
    }

    [Fact]
    public async Task A_failed_poll_leaves_no_lag_reported_until_the_member_polls_again()
    {
        using var capture = new TelemetryCapture();
        _transport.Append(Message(partitionId: 1, 0, Valid(1)), Message(partitionId: 1, 1, Valid(2)));
        var run = Consumer(out var topic, settings => settings.BatchSize = 1).RunAsync(_stopping.Token);
        Assert.Equal((1u, 0UL), await Clock.NextAsync(_transport.Stores));
        var beforeTheFailure = await LagOnceItIsAsync(capture, topic, new() { ["1"] = 1 });

        // A failed poll: the member rejoins, and which partitions it will own is unknown, so its last figure goes.
        while (_transport.Polls.Reader.TryRead(out _))
        {
        }

        _transport.FailuresLeft["poll"] = 1;
        await Clock.NextAdvancingAsync(_transport.Polls, _time, TimeSpan.FromMilliseconds(100));
        await Clock.AdvanceUntilAsync(_time, () => Logs(LogLevel.Warning).Any(message => message.StartsWith($"Polling {topic} failed", StringComparison.Ordinal)), TimeSpan.Zero);
        var afterTheFailure = Lag(capture, topic);
        Assert.Equal((1u, 1UL), await Clock.NextAdvancingAsync(_transport.Stores, _time, TimeSpan.FromMilliseconds(100)));
        var afterTheNextPoll = await LagOnceItIsAsync(capture, topic, new() { ["1"] = 0 });
        await StopAsync(run);
        var afterStopping = Lag(capture, topic);

        Assert.Equal(new Dictionary<string, double> { ["1"] = 1 }, beforeTheFailure);
        Assert.Empty(afterTheFailure);
        Assert.Equal(new Dictionary<string, double> { ["1"] = 0 }, afterTheNextPoll);
        Assert.Empty(afterStopping);
    }

    [Fact]
    public async Task With_the_dead_letter_policy_a_payload_that_does_not_deserialize_is_parked_with_why_and_then_passed()
    {
        using var capture = new TelemetryCapture();
        var headers = new Dictionary<string, string> { ["tenant"] = "a" };
        _transport.Append(new ReceivedMessage(0, 3, 33, _time.GetUtcNow(), Encoding.UTF8.GetBytes("{not json"), headers), Message(partitionId: 0, 4, Valid(8)));
        var run = Consumer(out var topic, settings => settings.FailurePolicy = IggyFailurePolicy.DeadLetter).RunAsync(_stopping.Token);

        Assert.Equal((0u, 4UL), await Clock.NextAdvancingAsync(_transport.Stores, _time, TimeSpan.FromMilliseconds(100)));
        await StopAsync(run);

        Assert.Contains($"topic:demo-stream/{topic}-dead-letter/1", _transport.Created);
        var (parkedIn, parked) = Assert.Single(_transport.Delivered);
        Assert.Equal($"{topic}-dead-letter", parkedIn);
        var message = Assert.Single(parked);
        Assert.Equal(((UInt128)33, "{not json"), (message.Id, Encoding.UTF8.GetString(message.Payload)));
        Assert.Equal("a", message.Headers!["tenant"]);
        Assert.Equal((topic, "0", "3", IggyConsumer<DemoMessage>.InvalidPayloadError), (message.Headers[IggyDeadLetterHeaders.Topic],
            message.Headers[IggyDeadLetterHeaders.PartitionId], message.Headers[IggyDeadLetterHeaders.Offset], message.Headers[IggyDeadLetterHeaders.ErrorType]));
        Assert.StartsWith("'n' is an invalid start of a property name", message.Headers[IggyDeadLetterHeaders.ErrorMessage], StringComparison.Ordinal);
        Assert.Contains(Logs(LogLevel.Warning), log => log.EndsWith($"; it is parked in {topic}-dead-letter", StringComparison.Ordinal));
        var failed = Assert.Single(capture.Measurements, m => m.Instrument == "messaging.iggy.consumer.failed_messages" && Equals(m.Tags[MessagingAttributes.DestinationName], topic));
        Assert.Equal(MessagingAttributes.DeadLetterAction, failed.Tags[MessagingAttributes.FailureAction]);
        Assert.StartsWith("Consumed message 8 ", Assert.Single(Consumed()), StringComparison.Ordinal);
        var span = Assert.Single(capture.Spans, span => span.DisplayName == $"process {topic}" && span.Status == ActivityStatusCode.Error);
        Assert.Equal(IggyConsumer<DemoMessage>.InvalidPayloadError, span.GetTagItem(MessagingAttributes.ErrorType));
        var received = Assert.Single(capture.Measurements, m => m.Instrument == "messaging.client.consumed.messages" && Equals(m.Tags[MessagingAttributes.DestinationName], topic));
        Assert.Equal("0", received.Tags[MessagingAttributes.PartitionId]);
        Assert.Contains(capture.Measurements, m => m.Instrument == "messaging.client.operation.duration" && Equals(m.Tags[MessagingAttributes.DestinationName], topic)
            && Equals(m.Tags.GetValueOrDefault(MessagingAttributes.PartitionId), "0"));
    }

    [Fact]
    public async Task A_message_that_cannot_be_parked_is_not_passed_the_handled_ones_before_it_are_stored_and_it_comes_again()
    {
        using var capture = new TelemetryCapture();
        _transport.FailuresLeft["send"] = TransientRetryAttempts + 1;
        _transport.Append(Message(partitionId: 0, 0, Valid(1)), Message(partitionId: 0, 1, Valid(2)), Message(partitionId: 0, 2, Valid(3)));
        var run = Consumer(out var topic, settings => settings.FailurePolicy = IggyFailurePolicy.DeadLetter, services => services.AddScoped<IIggyMessageHandler<DemoMessage>>(_ => new FailingHandler(failingId: 2)))
            .RunAsync(_stopping.Token);

        // Offset 0 handled and stored; offset 1 fails and its parking fails after every retry: nothing past 0 is stored.
        Assert.Equal((0u, 0UL), await Clock.NextAdvancingAsync(_transport.Stores, _time, TimeSpan.FromMilliseconds(100)));
        Assert.Contains(Logs(LogLevel.Error), log => log == $"Parking the message at partition 0 offset 1 in {topic}-dead-letter failed; it is delivered again");

        // The next poll brings it back; parked now, it is passed and the batch stored to its end.
        Assert.Equal((0u, 2UL), await Clock.NextAdvancingAsync(_transport.Stores, _time, TimeSpan.FromMilliseconds(100)));
        await StopAsync(run);
        var (_, parked) = Assert.Single(_transport.Delivered);
        Assert.Equal((UInt128)0, Assert.Single(parked).Id);
        Assert.Equal("System.IO.InvalidDataException", parked[0].Headers![IggyDeadLetterHeaders.ErrorType]);

        // Counted once, when it was parked: the failed parking left it to come again, not handled.
        var failed = Assert.Single(capture.Measurements, m => m.Instrument == "messaging.iggy.consumer.failed_messages" && Equals(m.Tags[MessagingAttributes.DestinationName], topic));
        Assert.Equal(MessagingAttributes.DeadLetterAction, failed.Tags[MessagingAttributes.FailureAction]);
    }

    [Fact]
    public async Task Each_message_gets_its_handler_from_a_scope_of_its_own()
    {
        var scopes = new List<object>();
        _transport.Append(Message(partitionId: 0, 0, Valid(1)), Message(partitionId: 0, 1, Valid(2)));
        var run = Consumer(out _, handlers: services => services.AddScoped<ScopedDependency>().AddScoped<IIggyMessageHandler<DemoMessage>>(provider => new RecordingHandler(provider.GetRequiredService<ScopedDependency>(), scopes)))
            .RunAsync(_stopping.Token);

        Assert.Equal((0u, 1UL), await Clock.NextAdvancingAsync(_transport.Stores, _time, TimeSpan.FromMilliseconds(100)));
        await StopAsync(run);

        Assert.Equal(2, scopes.Count);
        Assert.NotSame(scopes[0], scopes[1]);
        Assert.All(scopes, scope => Assert.True(((ScopedDependency)scope).Disposed, "the message's scope was not disposed after its handler returned"));
    }

    [Fact]
    public async Task Shutdown_stops_between_messages_and_stores_only_those_handled()
    {
        using var capture = new TelemetryCapture();
        var blocking = new BlockingHandler(blockingId: 2);
        _transport.Append(Message(partitionId: 0, 0, Valid(1)), Message(partitionId: 0, 1, Valid(2)), Message(partitionId: 0, 2, Valid(3)));
        var run = Consumer(out var topic, handlers: services => services.AddScoped<IIggyMessageHandler<DemoMessage>>(_ => blocking)).RunAsync(_stopping.Token);
        await blocking.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        // The handler of offset 1 gives up when the host stops: offset 0 is stored, 1 and 2 come again after the restart.
        await _stopping.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(0UL, _transport.StoredOffset(0));
        Assert.Equal([1L, 2L], blocking.Started);
        Assert.Empty(_transport.Delivered);
        var interrupted = Assert.Single(capture.Spans, span => span.DisplayName == $"process {topic}" && span.Status == ActivityStatusCode.Error);
        Assert.Equal("Shutdown interrupted the handler; the message is delivered again.", interrupted.StatusDescription);
        var timed = capture.Measurements.Where(m => m.Instrument == "messaging.process.duration" && Equals(m.Tags[MessagingAttributes.DestinationName], topic)).ToList();
        Assert.Equal(2, timed.Count);
        Assert.Equal(typeof(TaskCanceledException).FullName, timed[1].Tags[MessagingAttributes.ErrorType]);
        Assert.DoesNotContain(capture.Measurements, m => m.Instrument == "messaging.iggy.consumer.failed_messages" && Equals(m.Tags[MessagingAttributes.DestinationName], topic));
    }

    [Theory]
    // 200 two-byte characters and a four-byte one at the cut: 400 bytes, cut to the last whole character within 255.
    [InlineData(126, "😀", 74, 126, 252)]
    // Exactly 255 bytes: kept whole.
    [InlineData(0, "", 0, 255, 255)]
    public async Task A_failure_message_is_cut_to_an_iggy_headers_255_utf8_bytes_on_a_character_boundary(int accented, string emoji, int accentedAfter, int expectedLength, int expectedBytes)
    {
        var reason = accented == 0 ? new string('x', 255) : new string('é', accented) + emoji + new string('é', accentedAfter);
        _transport.Append(Message(partitionId: 0, 0, Valid(1)));
        var run = Consumer(out _, settings => settings.FailurePolicy = IggyFailurePolicy.DeadLetter,
            services => services.AddScoped<IIggyMessageHandler<DemoMessage>>(_ => new FailingHandler(failingId: 1, reason))).RunAsync(_stopping.Token);

        Assert.Equal((0u, 0UL), await Clock.NextAdvancingAsync(_transport.Stores, _time, TimeSpan.FromMilliseconds(100)));
        await StopAsync(run);

        var header = Assert.Single(Assert.Single(_transport.Delivered).Messages).Headers![IggyDeadLetterHeaders.ErrorMessage];
        Assert.Equal(reason[..expectedLength], header);
        Assert.Equal(expectedBytes, Encoding.UTF8.GetByteCount(header));
    }

    [Fact]
    public async Task With_topology_creation_off_the_consumer_creates_nothing_and_consumes()
    {
        _transport.Append(Message(partitionId: 0, 0, Valid(1)));
        var run = Consumer(out _, settings => settings.DisableTopologyCreation = true).RunAsync(_stopping.Token);

        Assert.Equal((0u, 0UL), await Clock.NextAdvancingAsync(_transport.Stores, _time, TimeSpan.FromMilliseconds(100)));
        await StopAsync(run);

        Assert.Empty(_transport.Created);
        Assert.Equal(0, _transport.CreatesEntered);
    }

    [Fact]
    public void Invalid_settings_fail_when_the_consumer_is_made()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => Consumer(out _, settings => settings.ConsumerGroup = null));

        Assert.Contains("Aspire:Apache:Iggy:Consumer:ConsumerGroup is missing", failure.Message, StringComparison.Ordinal);
    }

    private sealed class FailingHandler(long failingId, string? reason = null) : IIggyMessageHandler<DemoMessage>
    {
        public Task HandleAsync(IggyMessage<DemoMessage> message, CancellationToken cancellationToken) =>
            message.Body.Id == failingId ? throw new InvalidDataException(reason ?? $"message {failingId} is bad (test)") : Task.CompletedTask;
    }

    private sealed class ScopedDependency : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }

    private sealed class RecordingHandler(ScopedDependency dependency, List<object> scopes) : IIggyMessageHandler<DemoMessage>
    {
        public Task HandleAsync(IggyMessage<DemoMessage> message, CancellationToken cancellationToken)
        {
            scopes.Add(dependency);
            return Task.CompletedTask;
        }
    }

    private sealed class BlockingHandler(long blockingId) : IIggyMessageHandler<DemoMessage>
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<long> Started { get; } = [];

        public async Task HandleAsync(IggyMessage<DemoMessage> message, CancellationToken cancellationToken)
        {
            Started.Add(message.Body.Id);
            if (message.Body.Id == blockingId)
            {
                Entered.SetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
        }
    }

    public void Dispose()
    {
        _instrumentation.Dispose();
        _stopping.Dispose();
        _services.ForEach(provider => provider.Dispose());
    }

    [Fact]
    public async Task A_failed_read_of_the_partitions_leaves_no_lag_reported_and_the_next_message_reads_them_again()
    {
        using var capture = new TelemetryCapture();
        _transport.FailuresLeft["members"] = 1;
        _transport.Append(Message(partitionId: 1, 0, Valid(1)));
        var run = Consumer(out var topic).RunAsync(_stopping.Token);
        Assert.Equal((1u, 0UL), await Clock.NextAsync(_transport.Stores));
        await Clock.AdvanceUntilAsync(_time, () => Logs(LogLevel.Debug).Any(message => message.StartsWith($"Reading the partitions and offsets of {topic} for the lag gauge failed", StringComparison.Ordinal)), TimeSpan.Zero);
        var afterTheFailure = Lag(capture, topic);

        _transport.Append(Message(partitionId: 1, 1, Valid(2)));
        Assert.Equal((1u, 1UL), await Clock.NextAdvancingAsync(_transport.Stores, _time, TimeSpan.FromMilliseconds(100)));
        var afterTheNextMessage = await LagOnceItIsAsync(capture, topic, new() { ["1"] = 0 });
        await StopAsync(run);

        Assert.Empty(afterTheFailure);
        Assert.Equal(new Dictionary<string, double> { ["1"] = 0 }, afterTheNextMessage);
    }

    /// <summary>
    /// The gauge's figures once they are <paramref name="expected"/>, or after a few seconds of real time: the consumer
    /// records them after the store it was seen making returns.
    /// </summary>
    private static async Task<Dictionary<string, double>> LagOnceItIsAsync(TelemetryCapture capture, string topic, Dictionary<string, double> expected)
    {
        var lag = Lag(capture, topic);
        for (var attempt = 0; attempt < 1000 && !lag.OrderBy(pair => pair.Key).SequenceEqual(expected.OrderBy(pair => pair.Key)); attempt++)
        {
            await Task.Delay(5, TestContext.Current.CancellationToken);
            lag = Lag(capture, topic);
        }

        return lag;
    }

    /// <summary>The lag gauge's figures for the topic right now, by partition.</summary>
    private static Dictionary<string, double> Lag(TelemetryCapture capture, string topic)
    {
        capture.Measurements.Clear();
        capture.CollectObservables();
        return capture.Measurements
            .Where(m => m.Instrument == "messaging.iggy.consumer.lag" && Equals(m.Tags.GetValueOrDefault(MessagingAttributes.DestinationName), topic))
            .ToDictionary(m => (string)m.Tags[MessagingAttributes.PartitionId]!, m => m.Value);
    }

    private IggyConsumer<DemoMessage> Consumer(out string topic, Action<IggyConsumerSettings>? configure = null, Action<IServiceCollection>? handlers = null)
    {
        // Each test gets its own topic so parallel tests' spans and metrics are told apart.
        topic = $"demo-topic-{Guid.NewGuid():N}";
        var settings = new IggyConsumerSettings { Stream = "demo-stream", Topic = topic, ConsumerGroup = "demo-consumers" };
        configure?.Invoke(settings);
        var services = new ServiceCollection().AddSingleton<ILogger<DemoMessageHandler>>(new FakeLogger<DemoMessageHandler>(_logs));
        (handlers ?? (services => services.AddScoped<IIggyMessageHandler<DemoMessage>, DemoMessageHandler>()))(services);
        var provider = services.BuildServiceProvider();
        _services.Add(provider);
        return new IggyConsumer<DemoMessage>(
            _transport, settings, Serializer, provider.GetRequiredService<IServiceScopeFactory>(), _instrumentation, _time, new FakeLogger<IggyConsumer<DemoMessage>>(_logs));
    }

    private async Task StopAsync(Task run)
    {
        await _stopping.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    private const int TransientRetryAttempts = 5;

    /// <summary>The clock's time at each of the next <paramref name="count"/> polls, moving it <paramref name="step"/> at a time.</summary>
    private async Task<List<DateTimeOffset>> PollTimesAsync(int count, TimeSpan step)
    {
        var polledAt = new List<DateTimeOffset>();
        for (var poll = 0; poll < count; poll++)
        {
            polledAt.Add(await Clock.NextAdvancingAsync(_transport.Polls, _time, step));
        }

        return polledAt;
    }

    private static List<TimeSpan> Gaps(List<DateTimeOffset> times) => [.. times.Zip(times.Skip(1), (earlier, later) => later - earlier)];

    private List<string> Consumed() => [.. Logs(LogLevel.Information).Where(message => message.StartsWith("Consumed", StringComparison.Ordinal))];

    private List<string> Logs(LogLevel level) => [.. _logs.GetSnapshot().Where(log => log.Level == level).Select(log => log.Message)];

    private byte[] Valid(long id) => Serializer.Serialize(new DemoMessage(id, "hello", _time.GetUtcNow()));

    private ReceivedMessage Message(uint partitionId, ulong offset, byte[] payload) =>
        new(partitionId, offset, 0, _time.GetUtcNow(), payload, new Dictionary<string, string>());
}
