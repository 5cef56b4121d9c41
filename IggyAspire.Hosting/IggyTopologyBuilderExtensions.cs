using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Iggy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

/// <summary>
/// Declares an Iggy server's streams, topics and consumer groups in the AppHost. Each is a child resource that the
/// integration creates over the server's HTTP API once the server is ready, with its own state, health check and
/// connection string.
/// </summary>
public static class IggyTopologyBuilderExtensions
{
    /// <summary>
    /// Adds a stream to the Iggy server. It is created when the server becomes ready ("already exists" counts as
    /// created), and its health check turns Healthy only then, so <c>WaitFor(stream)</c> waits for it.
    /// </summary>
    /// <param name="builder">The Iggy server: the container (<c>AddIggy</c>) or the test server (<c>AddIggyTestServer</c>).</param>
    /// <param name="name">The resource name; also the stream's name on the server unless <paramref name="iggyName"/> is given.</param>
    /// <param name="iggyName">The stream's name on the server, when it is not a valid resource name: 1 to 255 ASCII characters, not a number.</param>
    public static IResourceBuilder<IggyStreamResource> AddStream(this IResourceBuilder<IIggyServerResource> builder, [ResourceName] string name, string? iggyName = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var streamName = IggyNames.ThrowIfInvalid(iggyName ?? name, iggyName is null ? nameof(name) : nameof(iggyName));

        var stream = new IggyStreamResource(name, streamName, builder.Resource);
        return AddEntity(builder.ApplicationBuilder, stream, "IggyStream", [new("iggy.stream", streamName)], "Stream");
    }

    /// <summary>
    /// Adds a topic to the stream. It is created when the server becomes ready. One that already exists (the usual case
    /// with a data volume) must have the declared partition count, which is never changed: otherwise the topic fails to
    /// start and says both counts. Its message expiry and maximum size are updated to <paramref name="messageExpiry"/>
    /// and <paramref name="maxSizeBytes"/> where they differ (server 0.8.0's <c>PUT /streams/{stream}/topics/{topic}</c>,
    /// core/server/src/http/topics.rs:183-214), and its log says from what to what; a setting left null keeps the
    /// existing topic's value. A refused update fails the topic with the server's reason.
    /// </summary>
    /// <param name="builder">The stream.</param>
    /// <param name="name">The resource name; also the topic's name on the server unless <paramref name="iggyName"/> is given.</param>
    /// <param name="partitions">How many partitions the topic has: 1 to 1000.</param>
    /// <param name="iggyName">The topic's name on the server, when it is not a valid resource name: 1 to 255 ASCII characters, not a number.</param>
    /// <param name="messageExpiry">How long messages are kept (whole microseconds, at least 1), or <see cref="IggyTopicResource.NeverExpire"/>; null for the server's default, or an existing topic's own.</param>
    /// <param name="maxSizeBytes">The most bytes the topic keeps before its oldest segments are deleted: at least the server's segment size, 1 GiB, or <see cref="IggyTopicResource.UnlimitedSize"/>; null for the server's default, or an existing topic's own.</param>
    public static IResourceBuilder<IggyTopicResource> AddTopic(
        this IResourceBuilder<IggyStreamResource> builder,
        [ResourceName] string name,
        int partitions = 1,
        string? iggyName = null,
        TimeSpan? messageExpiry = null,
        long? maxSizeBytes = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var topicName = IggyNames.ThrowIfInvalid(iggyName ?? name, iggyName is null ? nameof(name) : nameof(iggyName));
        IggyNames.ThrowIfInvalidPartitions(partitions, nameof(partitions));
        // 0 means "server default" on the wire (core/common/src/utils/expiry.rs:151-158); NeverExpire is sent as u64::MAX.
        if (messageExpiry is { } expiry && expiry.Ticks < TimeSpan.TicksPerMicrosecond)
        {
            throw new ArgumentOutOfRangeException(nameof(messageExpiry), messageExpiry, "A message expiry must be at least one microsecond, or IggyTopicResource.NeverExpire.");
        }

        // Server 0.8.0 refuses a size below its segment size with 1019, before it looks at the name, so an existing topic
        // would fail too (configs/src/server_config/system.rs:309-326). UnlimitedSize is sent as u64::MAX.
        if (maxSizeBytes is < IggyNames.SegmentSize)
        {
            throw new ArgumentOutOfRangeException(nameof(maxSizeBytes), maxSizeBytes,
                $"A topic's maximum size must be at least the server's segment size, 1 GiB ({IggyNames.SegmentSize} bytes; server 0.8.0 refuses a smaller one with 1019), or IggyTopicResource.UnlimitedSize.");
        }

        var topic = new IggyTopicResource(name, topicName, builder.Resource)
        {
            Partitions = partitions,
            MessageExpiry = messageExpiry,
            MaxSizeBytes = maxSizeBytes,
        };
        List<ResourcePropertySnapshot> properties =
        [
            new("iggy.stream", builder.Resource.StreamName),
            new("iggy.topic", topicName),
            new("iggy.partitions", partitions),
        ];
        if (messageExpiry is not null)
        {
            properties.Add(new("iggy.message_expiry", messageExpiry == IggyTopicResource.NeverExpire ? "never" : messageExpiry.Value.ToString("c", System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (maxSizeBytes is not null)
        {
            properties.Add(new("iggy.max_topic_size", maxSizeBytes == IggyTopicResource.UnlimitedSize ? "unlimited" : maxSizeBytes.Value));
        }

        return AddEntity(builder.ApplicationBuilder, topic, "IggyTopic", properties, "DocumentQueue")
            .WithIggyTopicCommands();
    }

    /// <summary>
    /// Adds a consumer group to the topic. It is created when the server becomes ready ("already exists" counts as
    /// created). The workers that use it still join it themselves: membership belongs to a client's connection.
    /// </summary>
    /// <param name="builder">The topic.</param>
    /// <param name="name">The resource name; also the group's name on the server unless <paramref name="iggyName"/> is given.</param>
    /// <param name="iggyName">The group's name on the server, when it is not a valid resource name: 1 to 255 ASCII characters, not a number.</param>
    public static IResourceBuilder<IggyConsumerGroupResource> AddConsumerGroup(this IResourceBuilder<IggyTopicResource> builder, [ResourceName] string name, string? iggyName = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var groupName = IggyNames.ThrowIfInvalid(iggyName ?? name, iggyName is null ? nameof(name) : nameof(iggyName));

        var group = new IggyConsumerGroupResource(name, groupName, builder.Resource);
        return AddEntity(
                builder.ApplicationBuilder,
                group,
                "IggyConsumerGroup",
                [new("iggy.stream", builder.Resource.Parent.StreamName), new("iggy.topic", builder.Resource.TopicName), new("iggy.consumer_group", groupName)],
                "PeopleQueue")
            .WithIggyConsumerGroupCommands();
    }

    private static IResourceBuilder<T> AddEntity<T>(IDistributedApplicationBuilder builder, T entity, string resourceType, IReadOnlyList<ResourcePropertySnapshot> properties, string iconName)
        where T : IIggyEntityResource
    {
        var healthCheckKey = $"{entity.Name}_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey,
            _ => new IggyEntityHealthCheck(entity.Status),
            failureStatus: null,
            tags: null));

        return builder.AddResource(entity)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = resourceType,
                State = KnownResourceStates.Waiting,
                Properties = [.. properties],
            })
            .WithIconName(iconName)
            .WithHealthCheck(healthCheckKey);
    }
}
