using System.Text;
using IggyAspire.Messaging;
using IggyAspire.Messaging.Telemetry;
using IggyAspire.Messaging.Transport;
using IggyAspire.Producer;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace IggyAspire.UnitTests.Messaging;

/// <summary>The package's producer over a fake transport: ids, headers, batches, failures, spans, metrics and the topology.</summary>
public sealed class IggyProducerTests : IDisposable
{
    private static readonly IggyJsonMessageSerializer<DemoMessage> Serializer = new(DemoMessageJsonContext.Default.DemoMessage);

    private readonly FakeIggyTransport _transport = new();
    private readonly FakeTimeProvider _time = new();
    private readonly MessagingInstrumentation _instrumentation = new(new MessagingInstrumentationOptions());
    private readonly string _topic = $"producer-topic-{Guid.NewGuid():N}";

    [Fact]
    public async Task A_message_without_an_id_gets_a_new_one_the_process_prefix_and_a_rising_count()
    {
        var producer = Producer();

        await producer.SendAsync(Message(1), TestContext.Current.CancellationToken);
        await producer.SendBatchAsync([Message(2), Message(3)], TestContext.Current.CancellationToken);

        var ids = _transport.Delivered.SelectMany(send => send.Messages).Select(message => message.Id).ToList();
        Assert.Equal(3, ids.Distinct().Count());
        Assert.Single(ids.Select(id => (ulong)(id >> 64)).Distinct());
        Assert.All(ids, id => Assert.NotEqual(0UL, (ulong)id));
        Assert.True((ulong)ids[0] < (ulong)ids[1] && (ulong)ids[1] < (ulong)ids[2], "the count does not rise from one message to the next");
    }

    [Fact]
    public async Task A_message_of_its_own_keeps_its_id_and_headers()
    {
        var producer = Producer();
        var headers = new Dictionary<string, string> { ["tenant"] = "a" };

        await producer.SendAsync(new IggyOutgoingMessage<DemoMessage>(Message(5)) { Id = 55, Headers = headers }, TestContext.Current.CancellationToken);
        await producer.SendBatchAsync([new IggyOutgoingMessage<DemoMessage>(Message(6)) { Id = 66 }, new IggyOutgoingMessage<DemoMessage>(Message(7))], TestContext.Current.CancellationToken);

        var sent = _transport.Delivered.SelectMany(send => send.Messages).ToList();
        Assert.Equal(((UInt128)55, "a"), (sent[0].Id, sent[0].Headers!["tenant"]));
        Assert.Equal((UInt128)66, sent[1].Id);
        Assert.Null(sent[1].Headers);
        Assert.NotEqual(UInt128.Zero, sent[2].Id);
        Assert.Equal([5L, 6L, 7L], sent.Select(message => Serializer.Deserialize(message.Payload).Id));
    }

    [Fact]
    public async Task A_batch_is_one_send_to_the_configured_topic_with_one_span_naming_the_count()
    {
        using var capture = new TelemetryCapture();
        var producer = Producer();

        var result = await producer.SendBatchAsync([Message(1), Message(2), Message(3)], TestContext.Current.CancellationToken);

        var (topic, messages) = Assert.Single(_transport.Delivered);
        Assert.Equal((_topic, 3), (topic, messages.Length));
        var span = Assert.Single(capture.Spans, span => span.DisplayName == $"send {_topic}");
        Assert.Equal(3, span.GetTagItem(MessagingAttributes.BatchMessageCount));
        Assert.Null(span.GetTagItem(MessagingAttributes.MessageId));
        Assert.Equal((3, span.TraceId), (result.MessageCount, result.TraceId));
        var sent = Assert.Single(capture.Measurements, m => m.Instrument == "messaging.client.sent.messages" && Equals(m.Tags[MessagingAttributes.DestinationName], _topic));
        Assert.Equal(3, sent.Value);
    }

    [Fact]
    public async Task A_single_message_span_names_its_id()
    {
        using var capture = new TelemetryCapture();

        await Producer().SendAsync(new IggyOutgoingMessage<DemoMessage>(Message(1)) { Id = 4242 }, TestContext.Current.CancellationToken);

        var span = Assert.Single(capture.Spans, span => span.DisplayName == $"send {_topic}");
        Assert.Equal("4242", span.GetTagItem(MessagingAttributes.MessageId));
    }

    [Fact]
    public async Task An_empty_batch_is_refused_and_nothing_is_sent()
    {
        var producer = Producer();

        await Assert.ThrowsAsync<ArgumentException>(() => producer.SendBatchAsync(Array.Empty<DemoMessage>(), TestContext.Current.CancellationToken));

        Assert.Empty(_transport.Delivered);
    }

    [Fact]
    public async Task A_send_that_outlasts_the_retries_gives_its_failure_to_the_caller_marked_on_the_span_and_counted()
    {
        using var capture = new TelemetryCapture();
        _transport.FailuresLeft["send"] = 2;
        var producer = Producer(settings => settings.Retry.MaxRetryAttempts = 1);

        // The retry waits its backoff on the clock.
        var send = producer.SendAsync(Message(1), TestContext.Current.CancellationToken);
        var failure = await Assert.ThrowsAsync<IOException>(() => Clock.RunAsync(_time, send, TimeSpan.FromMilliseconds(50)));

        Assert.Empty(_transport.Delivered);
        var span = Assert.Single(capture.Spans, span => span.DisplayName == $"send {_topic}");
        Assert.Equal(typeof(IOException).FullName, span.GetTagItem(MessagingAttributes.ErrorType));
        Assert.Equal((System.Diagnostics.ActivityStatusCode.Error, failure.Message), (span.Status, span.StatusDescription));
        var failed = Assert.Single(capture.Measurements, m => m.Instrument == "messaging.client.sent.messages" && Equals(m.Tags[MessagingAttributes.DestinationName], _topic));
        Assert.Equal(typeof(IOException).FullName, failed.Tags[MessagingAttributes.ErrorType]);
    }

    [Fact]
    public async Task The_stream_and_topic_are_created_once_before_the_first_send_with_the_configured_partitions()
    {
        var producer = Producer(settings => settings.Partitions = 4);

        await Task.WhenAll(producer.SendAsync(Message(1), TestContext.Current.CancellationToken), producer.SendAsync(Message(2), TestContext.Current.CancellationToken));
        await producer.SendAsync(Message(3), TestContext.Current.CancellationToken);

        Assert.Equal(["stream:demo-stream", $"topic:demo-stream/{_topic}/4"], _transport.Created);
        Assert.Equal(2, _transport.CreatesEntered);
    }

    [Fact]
    public async Task A_creation_that_failed_is_tried_again_by_the_next_send()
    {
        _transport.FailuresLeft["create-stream"] = 1;
        var producer = Producer(settings => settings.Retry.MaxRetryAttempts = 0);

        await Assert.ThrowsAsync<IOException>(() => producer.SendAsync(Message(1), TestContext.Current.CancellationToken));
        await producer.SendAsync(Message(2), TestContext.Current.CancellationToken);

        Assert.Contains("stream:demo-stream", _transport.Created);
        Assert.Single(_transport.Delivered);
    }

    [Fact]
    public async Task With_topology_creation_off_nothing_is_created()
    {
        await Producer(settings => settings.DisableTopologyCreation = true).SendAsync(Message(1), TestContext.Current.CancellationToken);

        Assert.Empty(_transport.Created);
        Assert.Equal(0, _transport.CreatesEntered);
        Assert.Single(_transport.Delivered);
    }

    [Fact]
    public async Task The_newest_messages_are_read_with_where_they_are_and_what_is_not_ours_is_left_out()
    {
        var headers = new Dictionary<string, string> { ["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };
        _transport.LastMessages.Add(new ReceivedMessage(0, 7, 9, _time.GetUtcNow(), Serializer.Serialize(Message(9)), headers));
        _transport.LastMessages.Add(new ReceivedMessage(1, 3, 5, _time.GetUtcNow(), Encoding.UTF8.GetBytes("somebody else's bytes"), headers));

        var newest = await Producer().ReadNewestAsync(TestContext.Current.CancellationToken);

        var message = Assert.Single(newest);
        Assert.Equal((9L, (UInt128)9, 0u, 7UL), (message.Body.Id, message.Id, message.PartitionId, message.Offset));
        Assert.Same(headers, message.Headers);
        Assert.Contains($"topic:demo-stream/{_topic}/1", _transport.Created);
    }

    [Fact]
    public void Invalid_settings_fail_when_the_producer_is_made()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => Producer(settings => settings.Topic = null));

        Assert.Contains("Aspire:Apache:Iggy:Producer:Topic is missing", failure.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _instrumentation.Dispose();

    private IggyProducer<DemoMessage> Producer(Action<IggyProducerSettings>? configure = null)
    {
        var settings = new IggyProducerSettings { Stream = "demo-stream", Topic = _topic };
        configure?.Invoke(settings);
        return new IggyProducer<DemoMessage>(_transport, settings, Serializer, _instrumentation, _time, NullLogger<IggyProducer<DemoMessage>>.Instance);
    }

    private DemoMessage Message(long id) => new(id, "hello", _time.GetUtcNow());
}
