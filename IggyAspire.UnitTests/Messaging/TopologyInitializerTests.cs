using IggyAspire.Messaging;
using IggyAspire.Messaging.Topology;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace IggyAspire.UnitTests.Messaging;

public sealed class TopologyInitializerTests
{
    private readonly FakeIggyTransport _transport = new();
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task The_first_worker_creates_stream_topic_and_group()
    {
        await Initializer().EnsureAsync("demo-stream", "demo-topic", 3, "demo-consumers", deadLetterTopic: null, TestContext.Current.CancellationToken);

        Assert.Equal(["stream:demo-stream", "topic:demo-stream/demo-topic/3", "group:demo-consumers"], _transport.Created);
    }

    [Fact]
    public async Task A_producer_leaves_the_consumer_group_to_the_consumers()
    {
        await Initializer().EnsureAsync("demo-stream", "demo-topic", 3, consumerGroup: null, deadLetterTopic: null, TestContext.Current.CancellationToken);

        Assert.DoesNotContain("group:demo-consumers", _transport.Created);
    }

    [Fact]
    public async Task Two_workers_racing_to_create_the_same_topology_both_succeed()
    {
        // Both workers ask for the stream before either gets an answer: one creates it, the other finds it there.
        _transport.CreateGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstLog = new FakeLogger<TopologyInitializer>();
        var secondLog = new FakeLogger<TopologyInitializer>();
        var first = Initializer(firstLog).EnsureAsync("demo-stream", "demo-topic", 3, "demo-consumers", deadLetterTopic: null, TestContext.Current.CancellationToken);
        var second = Initializer(secondLog).EnsureAsync("demo-stream", "demo-topic", 3, "demo-consumers", deadLetterTopic: null, TestContext.Current.CancellationToken);
        Assert.Equal(2, _transport.CreatesEntered);
        _transport.CreateGate.SetResult();

        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(["group:demo-consumers", "stream:demo-stream", "topic:demo-stream/demo-topic/3"], _transport.Created.Order());
        var logs = firstLog.Collector.GetSnapshot().Concat(secondLog.Collector.GetSnapshot()).Select(log => log.Message).ToList();
        Assert.Single(logs, message => message == "Created stream 'demo-stream'");
        Assert.Single(logs, message => message == "Found stream 'demo-stream' already there");
        Assert.Empty(_transport.FailuresLeft);
    }

    [Fact]
    public async Task It_logs_what_it_created_and_what_it_found()
    {
        var first = new FakeLogger<TopologyInitializer>();
        var second = new FakeLogger<TopologyInitializer>();

        await Initializer(first).EnsureAsync("demo-stream", "demo-topic", 3, "demo-consumers", deadLetterTopic: null, TestContext.Current.CancellationToken);
        await Initializer(second).EnsureAsync("demo-stream", "demo-topic", 3, "demo-consumers", deadLetterTopic: null, TestContext.Current.CancellationToken);

        Assert.Equal(
            ["Created stream 'demo-stream'", "Created topic 'demo-stream/demo-topic'", "Created consumer group 'demo-consumers'"],
            first.Collector.GetSnapshot().Select(log => log.Message));
        Assert.Equal(
            ["Found stream 'demo-stream' already there", "Found topic 'demo-stream/demo-topic' already there", "Found consumer group 'demo-consumers' already there"],
            second.Collector.GetSnapshot().Select(log => log.Message));
    }

    [Fact]
    public async Task A_transient_failure_is_retried_after_a_backoff_on_the_clock()
    {
        _transport.FailuresLeft["create-stream"] = 2;

        var ensure = Initializer().EnsureAsync("demo-stream", "demo-topic", 3, consumerGroup: null, deadLetterTopic: null, TestContext.Current.CancellationToken);

        // The clock has not moved: the retry waits for it.
        Assert.False(ensure.IsCompleted, "the failed create was retried without a pause");
        await Clock.RunAsync(_time, ensure, TimeSpan.FromMilliseconds(50));
        Assert.Contains("stream:demo-stream", _transport.Created);
        Assert.Equal(0, _transport.FailuresLeft["create-stream"]);
    }

    [Fact]
    public async Task A_failure_that_outlasts_the_retries_reaches_the_worker()
    {
        _transport.FailuresLeft["create-stream"] = 100;

        var ensure = Initializer().EnsureAsync("demo-stream", "demo-topic", 3, consumerGroup: null, deadLetterTopic: null, TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<IOException>(() => Clock.RunAsync(_time, ensure, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task A_consumer_with_a_dead_letter_topic_creates_it_with_one_partition()
    {
        await Initializer().EnsureAsync("demo-stream", "demo-topic", 3, "demo-consumers", "demo-topic-dead-letter", TestContext.Current.CancellationToken);

        Assert.Equal(["stream:demo-stream", "topic:demo-stream/demo-topic/3", "group:demo-consumers", "topic:demo-stream/demo-topic-dead-letter/1"], _transport.Created);
    }

    private TopologyInitializer Initializer(ILogger<TopologyInitializer>? logger = null) =>
        new(_transport, new IggyRetrySettings(), _time, logger ?? NullLogger<TopologyInitializer>.Instance);
}
