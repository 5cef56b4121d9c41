using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.Iggy;

/// <summary>
/// The dashboard commands on an Iggy server, topic and consumer group. Each logs in over the server's HTTP API, does
/// one thing, and is enabled only while its resource runs (for a topic or group: once it was created).
/// </summary>
internal static partial class IggyCommands
{
    public const string SendTestMessage = "iggy-send-test-message";
    public const string PurgeTopic = "iggy-purge-topic";
    public const string ResetOffsets = "iggy-reset-offsets";
    public const string ServerStats = "iggy-server-stats";
    public const string TextArgument = "text";

    public static IResourceBuilder<IggyTopicResource> WithIggyTopicCommands(this IResourceBuilder<IggyTopicResource> builder)
    {
        var topic = builder.Resource;
        return builder
            .WithCommand(SendTestMessage, "Send test message", context => SendTestMessageAsync(topic, context), new CommandOptions
            {
                Description = "Sends one {\"id\":0,\"text\",\"ts\"} JSON message to the topic (balanced partitioning).",
                IconName = "Send",
                UpdateState = context => WhenCreated(topic, context),
                Arguments =
                [
                    new InteractionInput
                    {
                        Name = TextArgument,
                        Label = "Text",
                        InputType = InputType.Text,
                        Required = true,
                        MaxLength = 1000,
                        Placeholder = "hello from the dashboard",
                    },
                ],
            })
            .WithCommand(PurgeTopic, "Purge", context => PurgeAsync(topic, context), new CommandOptions
            {
                // Server 0.8.0's purge_topic also clears every consumer and consumer-group offset (shard/system/topics.rs:198-228).
                Description = "Deletes every message in every partition of the topic and every stored offset of its consumers and consumer groups: each partition starts again at offset 0. The topic and its groups stay.",
                ConfirmationMessage = $"Delete every message in topic '{topic.TopicName}', and every stored offset on it? This cannot be undone.",
                IconName = "Delete",
                UpdateState = context => WhenCreated(topic, context),
            });
    }

    public static IResourceBuilder<IggyConsumerGroupResource> WithIggyConsumerGroupCommands(this IResourceBuilder<IggyConsumerGroupResource> builder)
    {
        var group = builder.Resource;
        return builder.WithCommand(ResetOffsets, "Reset offsets", context => ResetOffsetsAsync(group, context), new CommandOptions
        {
            Description = "Deletes the consumer group and creates it again, which drops its stored offsets: members that join again replay the topic from the start.",
            ConfirmationMessage = $"Delete and recreate consumer group '{group.ConsumerGroupName}'? Its members are dropped and replay every message once they join again.",
            IconName = "ArrowReset",
            UpdateState = context => WhenCreated(group, context),
        });
    }

    public static IResourceBuilder<TServer> WithIggyServerCommands<TServer>(this IResourceBuilder<TServer> builder)
        where TServer : IIggyServerResource
    {
        var server = builder.Resource;
        return builder.WithCommand(ServerStats, "Server stats", context => ServerStatsAsync(server, context), new CommandOptions
        {
            Description = "Shows the server's GET /stats: version, uptime, streams, topics, messages, memory and disk.",
            IconName = "DataBarVertical",
            UpdateState = context => context.ResourceSnapshot.State?.Text == KnownResourceStates.Running ? ResourceCommandState.Enabled : ResourceCommandState.Disabled,
        });
    }

    private static ResourceCommandState WhenCreated(IIggyEntityResource entity, UpdateCommandStateContext context) =>
        entity.Status.IsReady && context.ResourceSnapshot.State?.Text == KnownResourceStates.Running
            ? ResourceCommandState.Enabled
            : ResourceCommandState.Disabled;

    private static async Task<ExecuteCommandResult> SendTestMessageAsync(IggyTopicResource topic, ExecuteCommandContext context)
    {
        var text = context.Arguments.GetString(TextArgument);
        if (string.IsNullOrEmpty(text))
        {
            return CommandResults.Failure("Give the text to send.");
        }

        var timeProvider = context.Services.GetService<TimeProvider>() ?? TimeProvider.System;
        var payload = IggyTestMessage.Create(text, timeProvider.GetUtcNow());
        return await RunAsync(((IIggyEntityResource)topic).Server, topic, context, async api =>
        {
            await api.SendMessageAsync(topic.Parent.StreamName, topic.TopicName, payload, context.CancellationToken).ConfigureAwait(false);
            return CommandResults.Success($"Sent a test message to topic '{topic.TopicName}'.");
        }).ConfigureAwait(false);
    }

    private static Task<ExecuteCommandResult> PurgeAsync(IggyTopicResource topic, ExecuteCommandContext context) =>
        RunAsync(((IIggyEntityResource)topic).Server, topic, context, async api =>
        {
            await api.PurgeTopicAsync(topic.Parent.StreamName, topic.TopicName, context.CancellationToken).ConfigureAwait(false);
            return CommandResults.Success($"Purged topic '{topic.TopicName}'.");
        });

    /// <summary>
    /// Server 0.8.0 has no HTTP call that resets a group's offsets: its consumer-offset routes always address a single
    /// consumer (<c>Consumer::new</c>, core/server/src/http/consumer_offsets.rs:67, 105, 138), never a group, and the
    /// binary protocol lets only a member store or delete a group's offset for a partition it owns. Deleting the group
    /// deletes the offsets it stored (core/server/src/shard/execution.rs:509-519); creating it again gives a group
    /// with none, so each member, once it joins again (the demo's consumer does after any failed poll), polls
    /// <c>Next</c> from offset 0.
    /// </summary>
    private static Task<ExecuteCommandResult> ResetOffsetsAsync(IggyConsumerGroupResource group, ExecuteCommandContext context)
    {
        var entity = (IIggyEntityResource)group;
        var topic = group.Parent;
        return RunAsync(entity.Server, group, context, async api =>
        {
            entity.Status.Pending("being recreated to reset its offsets");
            await api.DeleteConsumerGroupAsync(topic.Parent.StreamName, topic.TopicName, group.ConsumerGroupName, context.CancellationToken).ConfigureAwait(false);
            await api.CreateConsumerGroupAsync(topic.Parent.StreamName, topic.TopicName, group.ConsumerGroupName, context.CancellationToken).ConfigureAwait(false);
            entity.Status.Ready();
            return CommandResults.Success($"Reset consumer group '{group.ConsumerGroupName}': its members replay topic '{topic.TopicName}' from the start once they join again.");
        });
    }

    private static Task<ExecuteCommandResult> ServerStatsAsync(IIggyServerResource server, ExecuteCommandContext context) =>
        RunAsync(server, server, context, async api =>
        {
            var stats = await api.GetStatsAsync(context.CancellationToken).ConfigureAwait(false);
            return CommandResults.Success($"Stats of '{server.Name}'.", IggyStatsSummary.ToMarkdown(stats), CommandResultFormat.Markdown, displayImmediately: true);
        });

    private static async Task<ExecuteCommandResult> RunAsync(IIggyServerResource server, IResource resource, ExecuteCommandContext context, Func<IggyHttpApi, Task<ExecuteCommandResult>> command)
    {
        var logger = context.Services.GetRequiredService<ResourceLoggerService>().GetLogger(resource);
        try
        {
            var (http, api) = await IggyServerConnection.LogInAsync(server, context.CancellationToken).ConfigureAwait(false);
            using (http)
            {
                return await command(api).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is IggyHttpApiException or HttpRequestException or InvalidOperationException
            || (exception is TaskCanceledException && !context.CancellationToken.IsCancellationRequested))
        {
            LogCommandFailed(logger, exception.Message);
            return CommandResults.Failure(exception.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The command failed: {Reason}")]
    private static partial void LogCommandFailed(ILogger logger, string reason);
}
