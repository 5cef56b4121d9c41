using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using IggyAspire.Tests.EndToEnd.Harness;
using IggyAspire.Tests.EndToEnd.Prerequisites;
using IggyAspire.Tests.EndToEnd.WorkerLogs;
using Microsoft.Extensions.DependencyInjection;

namespace IggyAspire.Tests.EndToEnd;

/// <summary>
/// The topology AppHost.cs declares under iggy (<c>demo-stream</c>, <c>demo-topic</c>, <c>demo-consumers</c>) and the
/// dashboard commands on it, run as the dashboard runs them: through Aspire's <see cref="ResourceCommandService"/>, with
/// the command's arguments where it has some. Each test starts its own app, since most of them change what the app
/// holds (a purged topic, a recreated group, a message of id 0).
/// </summary>
[Collection(EndToEndGroup.Name)]
public sealed class TopologyCommandTests
{
    // The names IggyAspire.Hosting registers the commands and their argument under (Iggy/IggyCommands.cs, internal there).
    private const string SendTestMessageCommand = "iggy-send-test-message";
    private const string PurgeTopicCommand = "iggy-purge-topic";
    private const string ResetOffsetsCommand = "iggy-reset-offsets";
    private const string TextArgument = "text";

    // The id a test message carries (IggyTestMessage.Id), which no producer message has.
    private const long TestMessageId = 0;

    [Fact(Timeout = EndToEndGroup.TestTimeout)]
    public async Task The_topic_and_group_exist_before_the_workers_start_so_every_worker_finds_them_and_none_creates_them()
    {
        var environment = (await EndToEndEnvironment.CurrentAsync()).Require();
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var app = await IggyTestApp.StartAsync(environment, cancellationToken);
        var (stream, topic, group) = (app.Topology.Stream, app.Topology.Topic, app.Topology.ConsumerGroup);
        var producers = app.Instances[IggyTestApp.ProducerName];
        var consumers = app.ConsumerInstances;

        // Each worker checks the topology before it produces or consumes (TopologyInitializer) and logs, per entity,
        // "Created ..." when it had to create it or "Found ... already there". A worker that started before Aspire had
        // created the topic (or the group) would log "Created" for it.
        var foundTopic = $"Found topic '{stream}/{topic}' already there";
        var foundGroup = $"Found consumer group '{group}' already there";
        string[] created = [$"Created stream '{stream}'", $"Created topic '{stream}/{topic}'", $"Created consumer group '{group}'"];
        await using var console = WorkerConsoleWatch.Start(app.App.Services.GetRequiredService<ResourceLoggerService>(), [.. producers, .. consumers]);
        var lines = await console.WaitUntilAsync(
            lines => producers.Concat(consumers).All(instance => Logged(lines, instance, foundTopic, created[1]))
                && consumers.All(instance => Logged(lines, instance, foundGroup, created[2])),
            "every worker instance to report the topic, and every consumer the group, as found or created",
            IggyTestApp.ObserveTimeout,
            cancellationToken);

        Assert.Empty(lines.Where(line => created.Any(c => line.Content.Contains(c, StringComparison.Ordinal))).Select(line => $"[{line.Instance}] {line.Content}"));
        Assert.All(producers.Concat(consumers), instance => Assert.True(Logged(lines, instance, foundTopic), $"{instance} did not log \"{foundTopic}\"."));
        Assert.All(consumers, instance => Assert.True(Logged(lines, instance, foundGroup), $"{instance} did not log \"{foundGroup}\"."));

        // And the topic the workers found is the one AppHost.cs declares.
        using var http = app.CreateIggyHttpClient();
        var api = new IggyHttpApi(http);
        var (username, password) = await app.RootCredentialsAsync(cancellationToken);
        var state = await api.GetTopicAsync(await api.LoginAsync(username, password, cancellationToken), stream, topic, cancellationToken);
        Assert.Equal(app.Topology.Partitions, state.PartitionsCount);
    }

    [Fact(Timeout = EndToEndGroup.TestTimeout)]
    public async Task Send_test_message_with_a_text_is_consumed_and_its_text_shows_up_in_a_consumers_log()
    {
        var environment = (await EndToEndEnvironment.CurrentAsync()).Require();
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var app = await IggyTestApp.StartAsync(environment, cancellationToken);
        await using var console = WorkerConsoleWatch.Start(app.App.Services.GetRequiredService<ResourceLoggerService>(), app.ConsumerInstances);

        // A text no other run or message has, so only this command can put it in a consumer's log.
        var text = $"e2e test message {Guid.NewGuid():N}";
        var result = await ExecuteAsync(app, TopicResource(app), SendTestMessageCommand, Text(text), cancellationToken);
        Assert.True(result.Success, $"Send test message failed: {result.Message}");

        // MessageConsumer's line: "Consumed message {MessageId} '{Text}' from partition {PartitionId} at offset {Offset} (trace {TraceId})".
        var consumed = $"Consumed message {TestMessageId} '{text}' from partition ";
        var lines = await console.WaitUntilAsync(
            lines => lines.Any(line => line.Content.Contains(consumed, StringComparison.Ordinal)),
            $"a consumer to log \"{consumed}...\"",
            IggyTestApp.ObserveTimeout,
            cancellationToken);

        var line = lines.First(line => line.Content.Contains(consumed, StringComparison.Ordinal));
        var parsed = Assert.IsType<ConsumedLine>(WorkerLogLine.Parse(line.Content));
        Assert.Equal(TestMessageId, parsed.MessageId);
    }

    [Fact(Timeout = EndToEndGroup.TestTimeout)]
    public async Task Purge_empties_the_topic_and_keeps_it_with_its_partitions()
    {
        var environment = (await EndToEndEnvironment.CurrentAsync()).Require();
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var app = await IggyTestApp.StartAsync(environment, cancellationToken);
        var (stream, topic, partitions) = (app.Topology.Stream, app.Topology.Topic, app.Topology.Partitions);

        await app.Logs.WaitUntilAsync(
            log => ConsumptionAnalysis.CoversEveryPartition(log.Consumptions, partitions, atLeast: 1),
            "a consumption on every partition before the purge",
            IggyTestApp.ObserveTimeout,
            cancellationToken);

        // No new messages once the producer has stopped, so the count after the purge can be compared exactly.
        await app.ExecuteAsync(IggyTestApp.ProducerName, KnownResourceCommands.StopCommand, cancellationToken);
        using var http = app.CreateIggyHttpClient();
        var api = new IggyHttpApi(http);
        var (username, password) = await app.RootCredentialsAsync(cancellationToken);
        var before = await api.GetTopicAsync(await api.LoginAsync(username, password, cancellationToken), stream, topic, cancellationToken);
        Assert.True(before.MessagesCount > 0, $"The topic holds no messages before the purge, so the purge could not be judged (partitions' current offsets: {Describe(before.CurrentOffsets)}).");

        var result = await ExecuteAsync(app, TopicResource(app), PurgeTopicCommand, arguments: null, cancellationToken);
        Assert.True(result.Success, $"Purge failed: {result.Message}");

        var after = await api.GetTopicAsync(await api.LoginAsync(username, password, cancellationToken), stream, topic, cancellationToken);
        Assert.Equal(0UL, after.MessagesCount);
        Assert.Equal(before.PartitionsCount, after.PartitionsCount);
    }

    [Fact(Timeout = EndToEndGroup.TestTimeout)]
    public async Task Reset_offsets_makes_the_consumers_replay_every_partition_from_its_first_message()
    {
        var environment = (await EndToEndEnvironment.CurrentAsync()).Require();
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var app = await IggyTestApp.StartAsync(environment, cancellationToken);
        var partitions = app.Topology.Partitions;

        // Every partition consumed from its first message (offset 0) past it, so a later offset 0 can only be a replay.
        var before = await app.Logs.WaitUntilAsync(
            log => log.Consumptions.GroupBy(c => c.Partition).Count(p => p.Any(c => c.Offset == 0) && p.Any(c => c.Offset > 0)) >= partitions,
            "every partition to be consumed at offset 0 and beyond before the reset",
            IggyTestApp.ObserveTimeout,
            cancellationToken);
        var mark = before.Count;
        var firstMessages = before.Consumptions.Where(c => c.Offset == 0).GroupBy(c => c.Partition).ToDictionary(p => p.Key, p => p.First().MessageId);

        var result = await ExecuteAsync(app, GroupResource(app), ResetOffsetsCommand, arguments: null, cancellationToken);
        Assert.True(result.Success, $"Reset offsets failed: {result.Message}");

        // The group has no stored offsets any more: the consumers, once they join again, poll Next from offset 0.
        var after = await app.Logs.WaitUntilAsync(
            log => firstMessages.Keys.All(partition => log.ConsumptionsSince(mark).Any(c => c.Partition == partition && c.Offset == 0)),
            $"every partition ({string.Join(", ", firstMessages.Keys.Order())}) to be consumed again from offset 0 after the reset",
            IggyTestApp.ObserveTimeout,
            cancellationToken);

        foreach (var (partition, messageId) in firstMessages)
        {
            var replayed = after.ConsumptionsSince(mark).First(c => c.Partition == partition && c.Offset == 0);
            Assert.True(messageId == replayed.MessageId, $"Partition {partition} offset 0 held message {messageId} before the reset but {replayed.MessageId} after it.");
        }
    }

    private static IggyTopicResource TopicResource(IggyTestApp app) =>
        app.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<IggyTopicResource>().Single();

    private static IggyConsumerGroupResource GroupResource(IggyTestApp app) =>
        app.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<IggyConsumerGroupResource>().Single();

    private static InteractionInputCollection Text(string text) =>
        new([new InteractionInput { Name = TextArgument, InputType = InputType.Text, Value = text }]);

    /// <summary>Runs a command as the dashboard does (no confirmation prompt), bounded by <see cref="IggyTestApp.ObserveTimeout"/>.</summary>
    private static async Task<ExecuteCommandResult> ExecuteAsync(IggyTestApp app, IResource resource, string command, InteractionInputCollection? arguments, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(IggyTestApp.ObserveTimeout);
        return arguments is null
            ? await app.App.ResourceCommands.ExecuteCommandAsync(resource, command, deadline.Token)
            : await app.App.ResourceCommands.ExecuteCommandAsync(resource, command, arguments, deadline.Token);
    }

    private static bool Logged(IReadOnlyList<WorkerConsoleLine> lines, string instance, params string[] anyOf) =>
        lines.Any(line => line.Instance == instance && anyOf.Any(text => line.Content.Contains(text, StringComparison.Ordinal)));

    private static string Describe(IReadOnlyDictionary<uint, ulong> offsets) =>
        string.Join(", ", offsets.OrderBy(o => o.Key).Select(o => $"{o.Key}: {o.Value}"));
}
