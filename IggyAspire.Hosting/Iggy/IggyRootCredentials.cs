using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Iggy;

/// <summary>
/// A server's root user as both server resources declare it: a name parameter or the default <c>iggy</c>, and a
/// password parameter; with the connection string and properties built from them on the TCP endpoint.
/// </summary>
internal sealed class IggyRootCredentials(ParameterResource? userName, ParameterResource password)
{
    internal const string DefaultUserName = "iggy";

    public ParameterResource? UserNameParameter { get; } = userName;

    public ParameterResource PasswordParameter { get; } = password ?? throw new ArgumentNullException(nameof(password));

    public ReferenceExpression UserNameReference => UserNameParameter is not null
        ? ReferenceExpression.Create($"{UserNameParameter}")
        : ReferenceExpression.Create($"{DefaultUserName}");

    /// <summary><c>iggy://{user}:{password}@{host}:{port}{clientOptions}</c>, user and password URI-escaped.</summary>
    public ReferenceExpression ConnectionString(EndpointReference tcp, string clientOptions) => UserNameParameter is not null
        ? ReferenceExpression.Create($"iggy://{UserNameParameter:uri}:{PasswordParameter:uri}@{tcp.Property(EndpointProperty.HostAndPort)}{clientOptions}")
        : ReferenceExpression.Create($"iggy://{DefaultUserName}:{PasswordParameter:uri}@{tcp.Property(EndpointProperty.HostAndPort)}{clientOptions}");

    /// <summary>Host, Port, Username, Password, Uri and HttpUri: what a <c>WithReference</c> gives as <c>{NAME}_{PROPERTY}</c>.</summary>
    public IEnumerable<KeyValuePair<string, ReferenceExpression>> ConnectionProperties(IIggyServerResource server)
    {
        yield return new("Host", ReferenceExpression.Create($"{server.TcpEndpoint.Property(EndpointProperty.Host)}"));
        yield return new("Port", ReferenceExpression.Create($"{server.TcpEndpoint.Property(EndpointProperty.Port)}"));
        yield return new("Username", UserNameReference);
        yield return new("Password", ReferenceExpression.Create($"{PasswordParameter}"));
        yield return new("Uri", server.ConnectionStringExpression);
        yield return new("HttpUri", ReferenceExpression.Create($"{server.HttpEndpoint.Property(EndpointProperty.Url)}"));
    }
}
