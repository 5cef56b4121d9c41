using Aspire.Hosting.ApplicationModel;
using IggyAspire.Tests.EndToEnd.Harness;
using IggyAspire.Tests.EndToEnd.Prerequisites;
using IggyAspire.Tests.EndToEnd.WorkerLogs;

namespace IggyAspire.Tests.EndToEnd;

/// <summary>
/// Stopping and starting the consumer resource (both replicas, as the dashboard's Stop and Start buttons do) while the
/// producer goes on. It starts its own app: stopping the consumers would disturb what the shared app's tests watch.
/// </summary>
[Collection(EndToEndGroup.Name)]
public sealed class ConsumerRestartTests
{
    [Fact(Timeout = EndToEndGroup.TestTimeout)]
    public async Task Restarted_consumers_resume_after_their_stored_offsets_with_no_replay_and_no_gap()
    {
        var environment = (await EndToEndEnvironment.CurrentAsync()).Require();
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var app = await IggyTestApp.StartAsync(environment, cancellationToken);
        var partitions = app.Topology.Partitions;

        await app.Logs.WaitUntilAsync(
            log => ConsumptionAnalysis.CoversEveryPartition(log.Consumptions, partitions, atLeast: 2),
            "two consumptions on every partition before the stop",
            IggyTestApp.ObserveTimeout,
            cancellationToken);
        await app.ExecuteAsync(IggyTestApp.ConsumerName, KnownResourceCommands.StopCommand, cancellationToken);

        // The producer goes on while the consumers are down; those messages must be consumed after the start.
        var stopped = app.Logs.Snapshot();
        var beforeStart = await app.Logs.WaitUntilAsync(
            log => log.SendsSince(stopped.Count).Count() >= 2 * partitions,
            "the producer to send while the consumers are stopped",
            IggyTestApp.ObserveTimeout,
            cancellationToken);
        await app.ExecuteAsync(IggyTestApp.ConsumerName, KnownResourceCommands.StartCommand, cancellationToken);

        var waiting = beforeStart.Sends.Select(s => s.MessageId).Except(beforeStart.Consumptions.Select(c => c.MessageId)).ToHashSet();
        var resumed = await app.Logs.WaitUntilAsync(
            log => ConsumptionAnalysis.CoversEveryPartition(Restarted(log), partitions, atLeast: 1)
                && waiting.IsSubsetOf(Restarted(log).Select(c => c.MessageId)),
            $"the restarted consumers to process the {waiting.Count} messages nobody had consumed before the stop",
            IggyTestApp.ObserveTimeout,
            cancellationToken);

        Assert.Empty(ConsumptionAnalysis.ResumeProblems(resumed.Consumptions.Where(c => c.Generation == 1), Restarted(resumed), partitions));
    }

    // Consumptions by the second process of each replica: its lines follow its second "Consuming ..." line.
    private static IEnumerable<Consumption> Restarted(WorkerLogSnapshot log) => log.Consumptions.Where(c => c.Generation == 2);
}
