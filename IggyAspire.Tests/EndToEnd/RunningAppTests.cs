using Aspire.Hosting.ApplicationModel;
using IggyAspire.Tests.EndToEnd.Harness;
using IggyAspire.Tests.EndToEnd.WorkerLogs;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IggyAspire.Tests.EndToEnd;

/// <summary>
/// What a user checks in the dashboard of a running app: everything healthy, the server answering, messages flowing
/// from the producer to the consumer group in order, one trace per message, and two replicas sharing the work.
/// These tests only watch, so they share one app.
/// </summary>
[Collection(EndToEndGroup.Name)]
public sealed class RunningAppTests(RunningAppFixture fixture) : IClassFixture<RunningAppFixture>
{
    // Three consumptions per partition: enough to see an order, a handover or a duplicate (one message a second,
    // spread over the partitions, so about ten seconds).
    private const int ConsumptionsPerPartition = 3;

    [Fact(Timeout = EndToEndGroup.TestTimeout)]
    public void Iggy_the_producer_and_both_consumer_replicas_are_running_and_healthy()
    {
        var app = fixture.App;

        Assert.Single(app.Instances[IggyTestApp.IggyName]);
        Assert.Single(app.Instances[IggyTestApp.ProducerName]);
        Assert.Equal(2, app.ConsumerInstances.Distinct().Count());
        foreach (var instance in app.Instances.Values.SelectMany(ids => ids))
        {
            Assert.True(app.App.ResourceNotifications.TryGetCurrentState(instance, out var current), $"Aspire has no state for {instance}.");
            Assert.Equal((KnownResourceStates.Running, HealthStatus.Healthy), (current.Snapshot.State?.Text, current.Snapshot.HealthStatus));
        }
    }

    [Fact(Timeout = EndToEndGroup.TestTimeout)]
    public void The_dashboard_says_which_server_iggy_is()
    {
        var app = fixture.App;
        var instance = Assert.Single(app.Instances[IggyTestApp.IggyName]);

        Assert.True(app.App.ResourceNotifications.TryGetCurrentState(instance, out var current), $"Aspire has no state for {instance}.");
        var properties = current.Snapshot.Properties.ToDictionary(p => p.Name, p => p.Value?.ToString());
        if (fixture.Environment.OnTestServer)
        {
            Assert.Equal("IggyTestServer", current.Snapshot.ResourceType);
            Assert.StartsWith("the IggyAspire test server, not Iggy", properties["iggy.server"], StringComparison.Ordinal);
            Assert.All(current.Snapshot.Urls, url => Assert.EndsWith("(test server, not Iggy)", url.DisplayProperties.DisplayName, StringComparison.Ordinal));
        }
        else
        {
            Assert.Equal("Container", current.Snapshot.ResourceType);
            Assert.DoesNotContain("iggy.server", properties.Keys);
        }
    }

    [Fact(Timeout = EndToEndGroup.TestTimeout)]
    public async Task The_server_answers_ping_and_logs_in_the_root_user_with_the_generated_password_only()
    {
        var app = fixture.App;
        var cancellationToken = TestContext.Current.CancellationToken;
        using var http = app.CreateIggyHttpClient();
        var api = new IggyHttpApi(http);
        var (username, password) = await app.RootCredentialsAsync(cancellationToken);

        Assert.Equal("pong", (await api.PingAsync(cancellationToken)).Trim());
        Assert.NotEmpty(await api.LoginAsync(username, password, cancellationToken));
        using var refused = await api.PostLoginAsync(username, password + "x", cancellationToken);
        Assert.False(refused.IsSuccessStatusCode, $"A wrong password was accepted ({(int)refused.StatusCode}).");
    }

    [Fact(Timeout = EndToEndGroup.TestTimeout)]
    public async Task The_web_UI_is_served_at_ui_on_the_http_endpoint_as_the_dashboard_links_it()
    {
        fixture.Environment.RequireContainer("the web UI at /ui");
        using var http = fixture.App.CreateIggyHttpClient();

        using var response = await http.GetAsync(new Uri("/ui", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.True(response.IsSuccessStatusCode, $"GET /ui answered {(int)response.StatusCode}.");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact(Timeout = EndToEndGroup.TestTimeout)]
    public async Task The_consumers_process_what_the_producer_sends_in_order_within_each_partition()
    {
        var app = fixture.App;
        var cancellationToken = TestContext.Current.CancellationToken;
        var since = await SteadyConsumptionAsync(app, cancellationToken);

        var followed = (int)app.Topology.Partitions * ConsumptionsPerPartition;

        var log = await app.Logs.WaitUntilAsync(
            log => ConsumptionAnalysis.CoversEveryPartition(log.ConsumptionsSince(since), app.Topology.Partitions, ConsumptionsPerPartition)
                && log.SendsSince(since).Take(followed).ToList() is var sent && sent.Count == followed
                && sent.Select(s => s.MessageId).ToHashSet().IsSubsetOf(log.Consumptions.Select(c => c.MessageId)),
            $"{ConsumptionsPerPartition} consumptions on every partition and the {followed} messages sent first meanwhile consumed",
            IggyTestApp.ObserveTimeout,
            cancellationToken);

        var window = log.ConsumptionsSince(since).ToList();
        Assert.Empty(ConsumptionAnalysis.OrderProblems(window));
        // Every message consumed was sent by the producer (its log runs in id order and may trail the consumer's).
        var lastLoggedSend = log.Sends.Max(s => s.MessageId);
        Assert.Empty(window.Select(c => c.MessageId).Where(id => id <= lastLoggedSend).Except(log.Sends.Select(s => s.MessageId)));
    }

    [Fact(Timeout = EndToEndGroup.TestTimeout)]
    public async Task Sending_and_processing_a_message_share_one_trace()
    {
        var app = fixture.App;
        var log = await app.Logs.WaitUntilAsync(
            log => SentAndConsumed(log).Count() >= 2 * app.Topology.Partitions,
            "messages that were both sent and consumed",
            IggyTestApp.ObserveTimeout,
            TestContext.Current.CancellationToken);

        Assert.Empty(ConsumptionAnalysis.TraceProblems(log.Sends, SentAndConsumed(log)));
    }

    [Fact(Timeout = EndToEndGroup.TestTimeout)]
    public async Task Two_consumer_replicas_share_the_partitions_without_processing_any_message_twice()
    {
        var app = fixture.App;
        var cancellationToken = TestContext.Current.CancellationToken;
        var since = await SteadyConsumptionAsync(app, cancellationToken);

        var log = await app.Logs.WaitUntilAsync(
            log => ConsumptionAnalysis.CoversEveryPartition(log.ConsumptionsSince(since), app.Topology.Partitions, ConsumptionsPerPartition),
            $"{ConsumptionsPerPartition} consumptions on every partition",
            IggyTestApp.ObserveTimeout,
            cancellationToken);

        var window = log.ConsumptionsSince(since).ToList();
        Assert.Empty(ConsumptionAnalysis.DoubleProcessingProblems(window));
        Assert.Equal(app.ConsumerInstances.Order(StringComparer.Ordinal), window.Select(c => c.Instance).Distinct().Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// Waits until both replicas have joined the group and every partition has been served since, and returns that
    /// point. Before it, a partition may move from the first replica to the second while a batch is in flight, which
    /// at-least-once delivery allows to be processed twice; from it on, the group's membership is stable.
    /// </summary>
    private static async Task<int> SteadyConsumptionAsync(IggyTestApp app, CancellationToken cancellationToken)
    {
        var joined = await app.Logs.WaitUntilAsync(
            log => log.InstancesThatLogged<JoinedLine>().IsSupersetOf(app.ConsumerInstances),
            "every consumer replica to join the consumer group",
            IggyTestApp.ObserveTimeout,
            cancellationToken);
        var settled = await app.Logs.WaitUntilAsync(
            log => ConsumptionAnalysis.CoversEveryPartition(log.ConsumptionsSince(joined.Count), app.Topology.Partitions, atLeast: 1),
            "every partition to be consumed once both replicas had joined",
            IggyTestApp.ObserveTimeout,
            cancellationToken);
        return settled.Count;
    }

    private static IEnumerable<Consumption> SentAndConsumed(WorkerLogSnapshot log)
    {
        var sent = log.Sends.Select(s => s.MessageId).ToHashSet();
        return log.Consumptions.Where(c => sent.Contains(c.MessageId));
    }
}
