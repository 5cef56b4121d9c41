using Aspire.Hosting.Iggy;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The IggyAspire test server as the Iggy server: a .NET project holding an in-memory model of Iggy server 0.8.0 with
/// its TCP and HTTP front ends. It is not Iggy and keeps nothing; use it where no container runtime runs. Its
/// connection string is the same <c>iggy://user:password@host:port</c> as the container's, and streams, topics and
/// consumer groups are declared on it as on <see cref="IggyResource"/>.
/// </summary>
/// <param name="name">The resource name.</param>
/// <param name="userName">The root user's name, or null for <c>iggy</c>.</param>
/// <param name="password">The root user's password.</param>
public sealed class IggyTestServerResource(string name, ParameterResource? userName, ParameterResource password)
    : ProjectResource(name), IIggyServerResource
{
    private readonly IggyRootCredentials _root = new(userName, password);
    private EndpointReference? _tcpEndpoint;
    private EndpointReference? _httpEndpoint;

    /// <summary>The binary TCP endpoint clients connect to.</summary>
    public EndpointReference TcpEndpoint => _tcpEndpoint ??= new(this, IggyResource.TcpEndpointName);

    /// <summary>The HTTP API endpoint (serves <c>/ping</c> and the routes the integration uses; no web UI, no <c>/metrics</c>).</summary>
    public EndpointReference HttpEndpoint => _httpEndpoint ??= new(this, IggyResource.HttpEndpointName);

    /// <summary>The root user's name.</summary>
    public ReferenceExpression UserNameReference => _root.UserNameReference;

    /// <summary>The root user's password parameter (generated and secret unless one was given).</summary>
    public ParameterResource PasswordParameter => _root.PasswordParameter;

    /// <summary><c>iggy://{user}:{password}@{host}:{port}</c> on the TCP endpoint.</summary>
    public ReferenceExpression ConnectionStringExpression => _root.ConnectionString(TcpEndpoint, string.Empty);

    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties() =>
        _root.ConnectionProperties(this);
}
