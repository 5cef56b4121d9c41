using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.Iggy;

/// <summary>
/// Creates a server's streams, topics and consumer groups, in that order, once the server is ready (as
/// Aspire.Hosting.PostgreSQL creates its databases on the server's <see cref="ResourceReadyEvent"/>). An entity that
/// already exists counts as created; a topic that exists with another partition count fails visibly. Each entity's
/// dashboard state goes Creating → Running, or FailedToStart with the reason in its log and its health report.
/// </summary>
internal static partial class IggyTopologyProvisioner
{
    public static async Task ProvisionAsync(IggyResource server, IServiceProvider services, CancellationToken cancellationToken)
    {
        var model = services.GetRequiredService<DistributedApplicationModel>();
        var notifications = services.GetRequiredService<ResourceNotificationService>();
        var loggers = services.GetRequiredService<ResourceLoggerService>();

        var streams = model.Resources.OfType<IggyStreamResource>().Where(s => s.Parent == server).ToList();
        var topics = model.Resources.OfType<IggyTopicResource>().Where(t => streams.Contains(t.Parent)).ToList();
        var groups = model.Resources.OfType<IggyConsumerGroupResource>().Where(g => topics.Contains(g.Parent)).ToList();
        IReadOnlyList<IIggyEntityResource> all = [.. streams, .. topics, .. groups];
        if (all.Count == 0)
        {
            return;
        }

        foreach (var entity in all)
        {
            entity.Status.Pending("not created yet: the Iggy server just became ready");
        }

        HttpClient? http = null;
        IggyHttpApi api;
        try
        {
            (http, api) = await IggyServerConnection.LogInAsync(server, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            foreach (var entity in all)
            {
                await FailAsync(entity, $"cannot log in to '{server.Name}': {exception.Message}", notifications, loggers).ConfigureAwait(false);
            }

            return;
        }

        using (http)
        {
            foreach (var stream in streams)
            {
                var streamReady = await ProvisionAsync(stream, notifications, loggers, async ct =>
                    await api.CreateStreamAsync(stream.StreamName, ct).ConfigureAwait(false) ? "created" : "already exists", cancellationToken).ConfigureAwait(false);

                foreach (var topic in topics.Where(t => t.Parent == stream))
                {
                    var topicReady = streamReady && await ProvisionAsync(topic, notifications, loggers, ct => CreateTopicAsync(api, topic, ct), cancellationToken).ConfigureAwait(false);
                    if (!streamReady)
                    {
                        await FailAsync(topic, $"its stream '{stream.StreamName}' was not created", notifications, loggers).ConfigureAwait(false);
                    }

                    foreach (var group in groups.Where(g => g.Parent == topic))
                    {
                        if (topicReady)
                        {
                            await ProvisionAsync(group, notifications, loggers, async ct =>
                                await api.CreateConsumerGroupAsync(stream.StreamName, topic.TopicName, group.ConsumerGroupName, ct).ConfigureAwait(false) ? "created" : "already exists", cancellationToken).ConfigureAwait(false);
                        }
                        else
                        {
                            await FailAsync(group, $"its topic '{topic.TopicName}' is not ready", notifications, loggers).ConfigureAwait(false);
                        }
                    }
                }
            }
        }
    }

    /// <summary>Creates the topic, or checks that the one already there has the partitions declared.</summary>
    private static async Task<string> CreateTopicAsync(IggyHttpApi api, IggyTopicResource topic, CancellationToken cancellationToken)
    {
        var stream = topic.Parent.StreamName;
        // 0 is the server's default, u64::MAX never expire and unlimited (utils/expiry.rs:151-158, utils/topic_size.rs:70-77).
        var expiry = topic.MessageExpiry switch
        {
            null => 0UL,
            var never when never == IggyTopicResource.NeverExpire => ulong.MaxValue,
            var e => (ulong)(e.Value.Ticks / TimeSpan.TicksPerMicrosecond),
        };
        var maxSize = topic.MaxSizeBytes switch
        {
            null => 0UL,
            IggyTopicResource.UnlimitedSize => ulong.MaxValue,
            var m => (ulong)m.Value,
        };
        if (await api.CreateTopicAsync(stream, topic.TopicName, topic.Partitions, expiry, maxSize, cancellationToken).ConfigureAwait(false))
        {
            return $"created with {topic.Partitions} partitions";
        }

        var existing = await api.GetTopicPartitionsAsync(stream, topic.TopicName, cancellationToken).ConfigureAwait(false);
        if (existing != topic.Partitions)
        {
            throw new IggyTopologyMismatchException(
                $"topic '{topic.TopicName}' already exists with {existing} partitions, but the AppHost declares {topic.Partitions}; delete the topic (or its data volume) or declare {existing}");
        }

        return $"already exists with {existing} partitions";
    }

    private static async Task<bool> ProvisionAsync(
        IIggyEntityResource entity,
        ResourceNotificationService notifications,
        ResourceLoggerService loggers,
        Func<CancellationToken, Task<string>> create,
        CancellationToken cancellationToken)
    {
        var logger = loggers.GetLogger(entity);
        await notifications.PublishUpdateAsync(entity, s => s with { State = IggyEntityStates.CreatingState }).ConfigureAwait(false);
        try
        {
            var outcome = await create(cancellationToken).ConfigureAwait(false);
            entity.Status.Ready();
            var described = Describe(entity);
            LogReady(logger, described, outcome);
            await notifications.PublishUpdateAsync(entity, s => s with { State = IggyEntityStates.RunningState }).ConfigureAwait(false);
            return true;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            await FailAsync(entity, exception.Message, notifications, loggers).ConfigureAwait(false);
            return false;
        }
    }

    private static async Task FailAsync(IIggyEntityResource entity, string reason, ResourceNotificationService notifications, ResourceLoggerService loggers)
    {
        entity.Status.Pending(reason);
        var described = Describe(entity);
        LogFailed(loggers.GetLogger(entity), described, reason);
        await notifications.PublishUpdateAsync(entity, s => s with { State = IggyEntityStates.FailedState }).ConfigureAwait(false);
    }

    private static string Describe(IIggyEntityResource entity) => entity switch
    {
        IggyStreamResource stream => $"Stream '{stream.StreamName}'",
        IggyTopicResource topic => $"Topic '{topic.TopicName}' of stream '{topic.Parent.StreamName}'",
        IggyConsumerGroupResource group => $"Consumer group '{group.ConsumerGroupName}' of topic '{group.Parent.TopicName}'",
        _ => entity.Name,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "{Entity}: {Outcome}.")]
    private static partial void LogReady(ILogger logger, string entity, string outcome);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Entity} could not be created: {Reason}.")]
    private static partial void LogFailed(ILogger logger, string entity, string reason);
}
