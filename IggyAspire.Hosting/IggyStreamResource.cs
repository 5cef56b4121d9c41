using Aspire.Hosting.Iggy;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// An Iggy stream, created on its <see cref="IIggyServerResource"/> when the server is ready. Its connection string is the
/// server's own <c>iggy://user:password@host:port</c>; the stream's name travels as the connection property
/// <c>Stream</c>, beside the server's.
/// </summary>
/// <param name="name">The resource name.</param>
/// <param name="streamName">The stream's name on the server.</param>
/// <param name="parent">The Iggy server.</param>
public sealed class IggyStreamResource(string name, string streamName, IIggyServerResource parent)
    : Resource(name), IResourceWithParent<IIggyServerResource>, IResourceWithConnectionString, IIggyEntityResource
{
    private readonly IggyEntityStatus _status = new();

    /// <summary>The Iggy server that holds this stream.</summary>
    public IIggyServerResource Parent { get; } = parent ?? throw new ArgumentNullException(nameof(parent));

    /// <summary>The stream's name on the Iggy server.</summary>
    public string StreamName { get; } = streamName;

    /// <summary>The server's connection string, unchanged, so any Iggy SDK can read it.</summary>
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent}");

    IIggyServerResource IIggyEntityResource.Server => Parent;

    IggyEntityStatus IIggyEntityResource.Status => _status;

    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties() =>
        Parent.CombineProperties([new("Stream", ReferenceExpression.Create($"{StreamName}"))]);
}
