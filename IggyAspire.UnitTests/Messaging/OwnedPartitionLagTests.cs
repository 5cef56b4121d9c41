using IggyAspire.Messaging.Consuming;
using IggyAspire.Messaging.Telemetry;
using IggyAspire.Messaging.Transport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace IggyAspire.UnitTests.Messaging;

/// <summary>
/// Which partitions a member reports to the lag gauge, and with which figures: the logic of OwnedPartitionLag over a
/// fake transport whose group members a test sets (what server 0.8.0 answers is tested over the real SDK in the full
/// set, TestServer/LagGaugeTests).
/// </summary>
public sealed class OwnedPartitionLagTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly FakeIggyTransport _transport;
    private readonly MessagingInstrumentation _instrumentation = new(new MessagingInstrumentationOptions());
    private readonly TelemetryCapture _capture = new();
    private readonly string _topic = $"lag-topic-{Guid.NewGuid():N}";
    private readonly OwnedPartitionLag _lag;

    public OwnedPartitionLagTests()
    {
        _transport = new FakeIggyTransport(_time);
        _lag = new OwnedPartitionLag(_transport, _instrumentation, "demo-stream", _topic, "demo-consumers", _time, NullLogger.Instance);

        // Partition 1: offsets 0-4, stored at 2. Partition 3: empty. Partition 4: offsets 0-2, nothing stored.
        _transport.Append([.. Enumerable.Range(0, 5).Select(offset => Message(1, (ulong)offset))]);
        _transport.Append([.. Enumerable.Range(0, 3).Select(offset => Message(4, (ulong)offset))]);
        _transport.AddEmptyPartition(3);
        _transport.SetStoredOffset(1, 2);
        _transport.Members = [new GroupMember(0, [0, 2]), new GroupMember(7, [1, 3, 4])];
    }

    public void Dispose()
    {
        _capture.Dispose();
        _instrumentation.Dispose();
    }

    [Fact]
    public async Task A_member_never_served_a_message_reads_nothing_and_reports_nothing()
    {
        await _lag.RefreshIfDueAsync(TestContext.Current.CancellationToken);

        Assert.Equal(0, _transport.MemberReads);
        Assert.Empty(Lag());
    }

    [Fact]
    public async Task Served_a_partition_it_finds_its_member_and_reports_each_of_its_partitions()
    {
        _lag.Served(1);

        await _lag.RefreshIfDueAsync(TestContext.Current.CancellationToken);

        // 1: offsets 3 and 4 follow the stored 2; 3: empty; 4: nothing stored, so all 3. Member 0's partitions are not its.
        Assert.Equal(new Dictionary<string, double> { ["1"] = 2, ["3"] = 0, ["4"] = 3 }, Lag());
    }

    [Fact]
    public async Task It_reads_again_only_after_the_refresh_interval_and_drops_a_partition_that_moved()
    {
        _lag.Served(1);
        await _lag.RefreshIfDueAsync(TestContext.Current.CancellationToken);
        _transport.Members = [new GroupMember(0, [0, 2, 4]), new GroupMember(7, [1, 3])];

        _time.Advance(ConsumerTimings.LagRefreshInterval - TimeSpan.FromMilliseconds(1));
        await _lag.RefreshIfDueAsync(TestContext.Current.CancellationToken);
        var (readsBeforeTheInterval, lagBeforeTheInterval) = (_transport.MemberReads, Lag());
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await _lag.RefreshIfDueAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, readsBeforeTheInterval);
        Assert.Equal(new Dictionary<string, double> { ["1"] = 2, ["3"] = 0, ["4"] = 3 }, lagBeforeTheInterval);
        Assert.Equal(2, _transport.MemberReads);
        Assert.Equal(new Dictionary<string, double> { ["1"] = 2, ["3"] = 0 }, Lag());
    }

    [Fact]
    public async Task Its_member_gone_from_the_group_it_reports_nothing_and_finds_itself_again_by_the_next_partition_served()
    {
        _lag.Served(1);
        await _lag.RefreshIfDueAsync(TestContext.Current.CancellationToken);
        _transport.Members = [new GroupMember(0, [0, 2]), new GroupMember(8, [1, 3, 4])];
        _time.Advance(ConsumerTimings.LagRefreshInterval);

        await _lag.RefreshIfDueAsync(TestContext.Current.CancellationToken);
        var afterLeaving = Lag();
        await _lag.RefreshIfDueAsync(TestContext.Current.CancellationToken);
        var readsBeforeServed = _transport.MemberReads;
        _lag.Served(4);
        await _lag.RefreshIfDueAsync(TestContext.Current.CancellationToken);

        Assert.Empty(afterLeaving);
        Assert.Equal(2, readsBeforeServed);
        Assert.Equal(new Dictionary<string, double> { ["1"] = 2, ["3"] = 0, ["4"] = 3 }, Lag());
    }

    [Fact]
    public async Task A_served_partition_no_member_owns_leaves_nothing_reported()
    {
        _lag.Served(9);

        await _lag.RefreshIfDueAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, _transport.MemberReads);
        Assert.Empty(Lag());
    }

    [Fact]
    public async Task A_failed_read_forgets_what_was_reported()
    {
        _lag.Served(1);
        await _lag.RefreshIfDueAsync(TestContext.Current.CancellationToken);
        _transport.FailuresLeft["members"] = 1;
        _time.Advance(ConsumerTimings.LagRefreshInterval);

        await _lag.RefreshIfDueAsync(TestContext.Current.CancellationToken);

        Assert.Empty(Lag());
    }

    [Fact]
    public async Task Nothing_is_read_once_shutdown_began()
    {
        using var stopping = new CancellationTokenSource();
        await stopping.CancelAsync();
        _lag.Served(1);

        await _lag.RefreshIfDueAsync(stopping.Token);

        Assert.Equal(0, _transport.MemberReads);
    }

    private static ReceivedMessage Message(uint partitionId, ulong offset) =>
        new(partitionId, offset, offset, DateTimeOffset.UnixEpoch, new byte[] { 1 }, new Dictionary<string, string>());

    private Dictionary<string, double> Lag()
    {
        _capture.Measurements.Clear();
        _capture.CollectObservables();
        return _capture.Measurements
            .Where(m => m.Instrument == "messaging.iggy.consumer.lag" && Equals(m.Tags.GetValueOrDefault(MessagingAttributes.DestinationName), _topic))
            .ToDictionary(m => (string)m.Tags[MessagingAttributes.PartitionId]!, m => m.Value);
    }
}
