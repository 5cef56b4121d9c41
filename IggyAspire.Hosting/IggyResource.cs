using Aspire.Hosting.Iggy;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// An Apache Iggy server in a container. Its connection string is the Iggy ecosystem's
/// <c>iggy://user:password@host:port</c> on the TCP endpoint; its endpoints also reach clients through service
/// discovery (<c>services__{name}__tcp__0</c>).
/// </summary>
/// <param name="name">The resource name.</param>
/// <param name="userName">The root user's name, or null for <c>iggy</c>.</param>
/// <param name="password">The root user's password.</param>
public sealed class IggyResource(string name, ParameterResource? userName, ParameterResource password)
    : ContainerResource(name), IIggyServerResource
{
    internal const string TcpEndpointName = "tcp";
    internal const string HttpEndpointName = "http";
    internal const int TcpTargetPort = 8090;
    internal const int HttpTargetPort = 3000;

    private readonly IggyRootCredentials _root = new(userName, password);
    private EndpointReference? _tcpEndpoint;
    private EndpointReference? _httpEndpoint;

    /// <summary>The binary TCP endpoint clients connect to.</summary>
    public EndpointReference TcpEndpoint => _tcpEndpoint ??= new(this, TcpEndpointName);

    /// <summary>The HTTP API endpoint (also serves <c>/ping</c>, <c>/metrics</c> and, when enabled, the web UI at <c>/ui</c>).</summary>
    public EndpointReference HttpEndpoint => _httpEndpoint ??= new(this, HttpEndpointName);

    /// <summary>The root user's name parameter, or null when the default <c>iggy</c> is used.</summary>
    public ParameterResource? UserNameParameter => _root.UserNameParameter;

    /// <summary>The root user's password parameter (generated and secret unless one was given).</summary>
    public ParameterResource PasswordParameter => _root.PasswordParameter;

    /// <summary>The root user's name.</summary>
    public ReferenceExpression UserNameReference => _root.UserNameReference;

    /// <summary>
    /// The interval of the server's heartbeat check, when <c>WithHeartbeat</c> turned it on: the server then deletes
    /// every client that has not pinged for 1.2 times this long.
    /// </summary>
    public TimeSpan? HeartbeatInterval { get; internal set; }

    /// <summary>
    /// <c>iggy://{user}:{password}@{host}:{port}</c> on the TCP endpoint; with the heartbeat check on, followed by
    /// <c>?heartbeat_interval=</c> half the server's interval, so that clients which honour it ping in time.
    /// </summary>
    public ReferenceExpression ConnectionStringExpression => _root.ConnectionString(TcpEndpoint, ClientOptions);

    private string ClientOptions => HeartbeatInterval is { } interval
        ? FormattableString.Invariant($"?heartbeat_interval={(long)(interval / 2).TotalMilliseconds}ms")
        : string.Empty;

    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties() =>
        _root.ConnectionProperties(this);
}
