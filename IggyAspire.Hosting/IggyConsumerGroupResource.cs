using Aspire.Hosting.Iggy;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// An Iggy consumer group, created on its <see cref="IggyTopicResource"/> when the server is ready. Its connection
/// string is the server's own <c>iggy://user:password@host:port</c>; the names travel as the connection properties
/// <c>Stream</c>, <c>Topic</c> and <c>ConsumerGroup</c>, beside the server's.
/// </summary>
/// <param name="name">The resource name.</param>
/// <param name="consumerGroupName">The group's name on the server.</param>
/// <param name="parent">The topic the group consumes.</param>
public sealed class IggyConsumerGroupResource(string name, string consumerGroupName, IggyTopicResource parent)
    : Resource(name), IResourceWithParent<IggyTopicResource>, IResourceWithConnectionString, IIggyEntityResource
{
    private readonly IggyEntityStatus _status = new();

    /// <summary>The topic this group consumes.</summary>
    public IggyTopicResource Parent { get; } = parent ?? throw new ArgumentNullException(nameof(parent));

    /// <summary>The consumer group's name on the Iggy server.</summary>
    public string ConsumerGroupName { get; } = consumerGroupName;

    /// <summary>The server's connection string, unchanged, so any Iggy SDK can read it.</summary>
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent}");

    IIggyServerResource IIggyEntityResource.Server => Parent.Parent.Parent;

    IggyEntityStatus IIggyEntityResource.Status => _status;

    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties() =>
        Parent.CombineProperties([new("ConsumerGroup", ReferenceExpression.Create($"{ConsumerGroupName}"))]);
}
