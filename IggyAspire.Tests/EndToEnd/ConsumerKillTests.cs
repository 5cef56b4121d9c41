using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using IggyAspire.Messaging;
using IggyAspire.Tests.EndToEnd.Harness;
using IggyAspire.Tests.EndToEnd.Prerequisites;
using IggyAspire.Tests.EndToEnd.WorkerLogs;

namespace IggyAspire.Tests.EndToEnd;

/// <summary>
/// A consumer replica killed outright (no graceful stop: whatever batch it is in the middle of is never stored), then
/// started again. At-least-once: nothing the producer sent is lost, and what is processed twice is at most the one
/// batch the killed replica had not stored.
/// </summary>
[Collection(EndToEndGroup.Name)]
public sealed class ConsumerKillTests
{
    // Aspire's name for a project instance's process id (KnownProperties.Executable.Pid).
    private const string ProcessIdProperty = "executable.pid";

    [Fact(Timeout = EndToEndGroup.TestTimeout)]
    public async Task A_consumer_killed_mid_batch_loses_nothing_and_at_most_its_unstored_batch_is_processed_again()
    {
        var environment = (await EndToEndEnvironment.CurrentAsync()).Require();
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var app = await IggyTestApp.StartAsync(environment, cancellationToken);
        var partitions = app.Topology.Partitions;
        await app.Logs.WaitUntilAsync(
            log => ConsumptionAnalysis.CoversEveryPartition(log.Consumptions, partitions, atLeast: 2),
            "two consumptions on every partition before the kill",
            IggyTestApp.ObserveTimeout,
            cancellationToken);

        var victim = app.ConsumerInstances[0];
        Assert.True(app.App.ResourceNotifications.TryGetCurrentState(victim, out var state), $"No state for {victim}.");
        var processId = Convert.ToInt32(state.Snapshot.Properties.Single(p => p.Name == ProcessIdProperty).Value, System.Globalization.CultureInfo.InvariantCulture);
        using (var process = Process.GetProcessById(processId))
        {
            process.Kill(entireProcessTree: true);
        }

        await WaitUntilStoppedAsync(app, victim, cancellationToken);
        var killed = app.Logs.Snapshot();
        var result = await app.App.ResourceCommands.ExecuteCommandAsync(victim, KnownResourceCommands.StartCommand, cancellationToken);
        Assert.True(result.Success, $"Starting {victim} again failed: {result.Message}");

        // Everything sent before the kill, and a round after it, must be consumed.
        var sentBeforeKill = killed.Sends.Select(send => send.MessageId).ToHashSet();
        var after = await app.Logs.WaitUntilAsync(
            log => sentBeforeKill.IsSubsetOf(log.Consumptions.Select(c => c.MessageId))
                && ConsumptionAnalysis.CoversEveryPartition(log.ConsumptionsSince(killed.Count), partitions, atLeast: 1),
            $"the {sentBeforeKill.Count} messages sent before the kill to be consumed, and every partition to move on",
            IggyTestApp.ObserveTimeout,
            cancellationToken);

        var repeated = after.Consumptions.GroupBy(c => (c.Partition, c.Offset)).Count(g => g.Count() > 1);
        Assert.True(
            repeated <= new IggyConsumerSettings().BatchSize,
            $"{repeated} messages were processed twice after one kill; at most one batch ({new IggyConsumerSettings().BatchSize}) may be: {string.Join(" ", ConsumptionAnalysis.DoubleProcessingProblems(after.Consumptions).Take(10))}");
    }

    // Start is offered only once Aspire has seen the instance stop.
    private static async Task WaitUntilStoppedAsync(IggyTestApp app, string instance, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(IggyTestApp.ObserveTimeout);
        await foreach (var resourceEvent in app.App.ResourceNotifications.WatchAsync(deadline.Token))
        {
            if (resourceEvent.ResourceId == instance && resourceEvent.Snapshot.State?.Text is { } text && KnownResourceStates.TerminalStates.Contains(text))
            {
                return;
            }
        }
    }
}
