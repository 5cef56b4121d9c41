using Aspire.Hosting.ApplicationModel;
using IggyAspire.Tests.EndToEnd.Harness;
using IggyAspire.Tests.EndToEnd.Prerequisites;
using IggyAspire.Tests.EndToEnd.WorkerLogs;

namespace IggyAspire.Tests.EndToEnd;

/// <summary>
/// Stopping and starting the iggy container with its data volume (AppHost.cs: <c>WithDataVolume()</c>; here a fresh
/// volume per run). It starts its own app: the server going away would disturb what the shared app's tests watch.
/// </summary>
[Collection(EndToEndGroup.Name)]
public sealed class ServerRestartTests
{
    [Fact(Timeout = EndToEndGroup.TestTimeout)]
    public async Task Messages_and_stored_offsets_survive_a_server_restart_on_the_data_volume()
    {
        // The test server keeps nothing: a restart starts it empty, as its dashboard properties say.
        var environment = (await EndToEndEnvironment.CurrentAsync()).RequireContainer("a data volume that keeps messages and stored offsets across a restart");
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var app = await IggyTestApp.StartAsync(environment, cancellationToken);
        var (stream, topic, partitions) = (app.Topology.Stream, app.Topology.Topic, app.Topology.Partitions);

        await app.Logs.WaitUntilAsync(
            log => ConsumptionAnalysis.CoversEveryPartition(log.Consumptions, partitions, atLeast: 2),
            "two consumptions on every partition",
            IggyTestApp.ObserveTimeout,
            cancellationToken);

        // No new messages while the server restarts, so its offsets can be compared exactly.
        await app.ExecuteAsync(IggyTestApp.ProducerName, KnownResourceCommands.StopCommand, cancellationToken);
        var drained = await app.Logs.WaitUntilAsync(
            log => log.Sends.Select(s => s.MessageId).ToHashSet().IsSubsetOf(log.Consumptions.Select(c => c.MessageId)),
            "the consumers to process every message sent before the producer stopped",
            IggyTestApp.ObserveTimeout,
            cancellationToken);

        using var http = app.CreateIggyHttpClient();
        var api = new IggyHttpApi(http);
        var (username, password) = await app.RootCredentialsAsync(cancellationToken);
        var before = await api.GetTopicAsync(await api.LoginAsync(username, password, cancellationToken), stream, topic, cancellationToken);

        await app.ExecuteAsync(IggyTestApp.IggyName, KnownResourceCommands.StopCommand, cancellationToken);
        var restarted = app.Logs.Snapshot().Count;
        await app.ExecuteAsync(IggyTestApp.IggyName, KnownResourceCommands.StartCommand, cancellationToken);

        // The server kept its messages: an empty data directory would have no stream, so no topic to show.
        var after = await api.GetTopicAsync(await api.LoginAsync(username, password, cancellationToken), stream, topic, cancellationToken);
        Assert.Equal(before.PartitionsCount, after.PartitionsCount);
        Assert.Equal(before.CurrentOffsets, after.CurrentOffsets);

        // The producer, started again, finds the highest id on the server and continues after it.
        await app.ExecuteAsync(IggyTestApp.ProducerName, KnownResourceCommands.StartCommand, cancellationToken);
        var producing = await app.Logs.WaitUntilAsync(
            log => log.LinesSince<ProducerStartedLine>(restarted).Any(),
            "the producer to start again",
            IggyTestApp.ObserveTimeout,
            cancellationToken);
        // (The highest id stored may be one the producer sent but could not log before it stopped; the consumers saw it.)
        var highestStored = Math.Max(drained.Sends.Max(s => s.MessageId), drained.Consumptions.Max(c => c.MessageId));
        Assert.Equal(highestStored + 1, producing.LinesSince<ProducerStartedLine>(restarted).First().NextId);

        // The consumer group's stored offsets survived too: each partition goes on right after its last consumed offset.
        var resumed = await app.Logs.WaitUntilAsync(
            log => ConsumptionAnalysis.CoversEveryPartition(log.ConsumptionsSince(restarted), partitions, atLeast: 1),
            "the consumers to process new messages after the server restart",
            IggyTestApp.ObserveTimeout,
            cancellationToken);
        Assert.Empty(ConsumptionAnalysis.ResumeProblems(drained.Consumptions, resumed.ConsumptionsSince(restarted), partitions));
    }
}
