using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.Iggy;

/// <summary>
/// Creates a server's streams, topics and consumer groups, in that order, once the server is ready (as
/// Aspire.Hosting.PostgreSQL creates its databases on the server's <see cref="ResourceReadyEvent"/>). An entity that
/// already exists counts as created; a topic that exists with another partition count fails visibly, and one whose
/// message expiry or max size differs from a declared one is updated to it (and says so in its log). Each entity's
/// dashboard state goes Creating → Running, or FailedToStart with the reason in its log and its health report.
/// </summary>
internal static partial class IggyTopologyProvisioner
{
    /// <summary>Creates the server's declared topology each time it becomes ready, as Aspire.Hosting.PostgreSQL creates its databases.</summary>
    public static IResourceBuilder<TServer> WithTopologyProvisioning<TServer>(this IResourceBuilder<TServer> builder)
        where TServer : IIggyServerResource
    {
        var server = builder.Resource;
        builder.ApplicationBuilder.Eventing.Subscribe<ResourceReadyEvent>(server, (@event, ct) => ProvisionAsync(server, @event.Services, ct));
        return builder;
    }

    public static async Task ProvisionAsync(IIggyServerResource server, IServiceProvider services, CancellationToken cancellationToken)
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

    /// <summary>
    /// Creates the topic; or, when it already exists (the usual case with a data volume), checks that it has the
    /// partitions declared and updates its message expiry and max size to the declared ones where they differ. A
    /// setting declared null keeps the topic's value; the update sends back its name, compression and replication
    /// factor unchanged. Partitions are never changed: another count fails.
    /// </summary>
    private static async Task<string> CreateTopicAsync(IggyHttpApi api, IggyTopicResource topic, CancellationToken cancellationToken)
    {
        var stream = topic.Parent.StreamName;
        // 0 is the server's default, u64::MAX never expire and unlimited (utils/expiry.rs:151-158, utils/topic_size.rs:70-77).
        ulong? expiry = topic.MessageExpiry switch
        {
            null => null,
            var never when never == IggyTopicResource.NeverExpire => ulong.MaxValue,
            var e => (ulong)(e.Value.Ticks / TimeSpan.TicksPerMicrosecond),
        };
        ulong? maxSize = topic.MaxSizeBytes switch
        {
            null => null,
            IggyTopicResource.UnlimitedSize => ulong.MaxValue,
            var m => (ulong)m.Value,
        };
        if (await api.CreateTopicAsync(stream, topic.TopicName, topic.Partitions, expiry ?? 0, maxSize ?? 0, cancellationToken).ConfigureAwait(false))
        {
            return $"created with {topic.Partitions} partitions";
        }

        var existing = await api.GetTopicAsync(stream, topic.TopicName, cancellationToken).ConfigureAwait(false);
        if (existing.Partitions != topic.Partitions)
        {
            throw new IggyTopologyMismatchException(
                $"topic '{topic.TopicName}' already exists with {existing.Partitions} partitions, but the AppHost declares {topic.Partitions}; delete the topic (or its data volume) or declare {existing.Partitions}");
        }

        var wanted = existing with
        {
            MessageExpiryMicroseconds = expiry ?? existing.MessageExpiryMicroseconds,
            MaxTopicSizeBytes = maxSize ?? existing.MaxTopicSizeBytes,
        };
        List<string> changes = [];
        if (wanted.MessageExpiryMicroseconds != existing.MessageExpiryMicroseconds)
        {
            changes.Add($"message expiry from {DescribeExpiry(existing.MessageExpiryMicroseconds)} to {DescribeExpiry(wanted.MessageExpiryMicroseconds)}");
        }

        if (wanted.MaxTopicSizeBytes != existing.MaxTopicSizeBytes)
        {
            changes.Add($"max topic size from {DescribeSize(existing.MaxTopicSizeBytes)} to {DescribeSize(wanted.MaxTopicSizeBytes)}");
        }

        if (changes.Count == 0)
        {
            return $"already exists with {existing.Partitions} partitions";
        }

        await api.UpdateTopicAsync(stream, wanted, cancellationToken).ConfigureAwait(false);
        return $"already exists with {existing.Partitions} partitions; updated {string.Join(" and ", changes)}";
    }

    /// <summary>An expiry in microseconds as the dashboard's <c>iggy.message_expiry</c> shows a declared one (<c>d.hh:mm:ss</c>).</summary>
    private static string DescribeExpiry(ulong microseconds) => microseconds switch
    {
        ulong.MaxValue => "never",
        0 => "the server default",
        <= (ulong)(long.MaxValue / TimeSpan.TicksPerMicrosecond) => TimeSpan.FromTicks((long)microseconds * TimeSpan.TicksPerMicrosecond).ToString("c", CultureInfo.InvariantCulture),
        _ => $"{microseconds} µs",
    };

    private static string DescribeSize(ulong bytes) => bytes switch
    {
        ulong.MaxValue => "unlimited",
        0 => "the server default",
        _ => $"{bytes} bytes",
    };

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
