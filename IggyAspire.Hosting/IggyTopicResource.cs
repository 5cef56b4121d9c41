using System.Globalization;
using Aspire.Hosting.Iggy;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// An Iggy topic, created in its <see cref="IggyStreamResource"/> when the server is ready. Its connection string is
/// the server's own <c>iggy://user:password@host:port</c>; the names travel as the connection properties
/// <c>Stream</c> and <c>Topic</c>, beside the server's, and the declared partition count as <c>Partitions</c>, so that
/// a service that creates the topic itself (in a deployment, where the AppHost creates nothing) creates it with that
/// count, not 1.
/// </summary>
/// <param name="name">The resource name.</param>
/// <param name="topicName">The topic's name on the server.</param>
/// <param name="parent">The stream that holds the topic.</param>
public sealed class IggyTopicResource(string name, string topicName, IggyStreamResource parent)
    : Resource(name), IResourceWithParent<IggyStreamResource>, IResourceWithConnectionString, IIggyEntityResource
{
    private readonly IggyEntityStatus _status = new();

    /// <summary>The stream that holds this topic.</summary>
    public IggyStreamResource Parent { get; } = parent ?? throw new ArgumentNullException(nameof(parent));

    /// <summary>The topic's name on the Iggy server.</summary>
    public string TopicName { get; } = topicName;

    /// <summary>The <see cref="MessageExpiry"/> that keeps messages for ever; server 0.8.0's <c>never_expire</c> (u64::MAX on the wire).</summary>
    public static readonly TimeSpan NeverExpire = TimeSpan.MaxValue;

    /// <summary>The <see cref="MaxSizeBytes"/> that never deletes segments for size; server 0.8.0's <c>unlimited</c> (u64::MAX on the wire).</summary>
    public const long UnlimitedSize = long.MaxValue;

    /// <summary>How many partitions the topic has (1 to 1000).</summary>
    public required int Partitions { get; init; }

    /// <summary>How long a message is kept, or <see cref="NeverExpire"/>; null for the server's default (<c>system.topic.message_expiry</c>), or an existing topic's own.</summary>
    public TimeSpan? MessageExpiry { get; init; }

    /// <summary>
    /// The most bytes the topic keeps before deleting its oldest segments, at least the server's segment size (1 GiB),
    /// or <see cref="UnlimitedSize"/>; null for the server's default, or an existing topic's own.
    /// </summary>
    public long? MaxSizeBytes { get; init; }

    /// <summary>The server's connection string, unchanged, so any Iggy SDK can read it.</summary>
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent}");

    IIggyServerResource IIggyEntityResource.Server => Parent.Parent;

    IggyEntityStatus IIggyEntityResource.Status => _status;

    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties() =>
        Parent.CombineProperties(
        [
            new("Topic", ReferenceExpression.Create($"{TopicName}")),
            new("Partitions", ReferenceExpression.Create($"{Partitions.ToString(CultureInfo.InvariantCulture)}")),
        ]);
}
