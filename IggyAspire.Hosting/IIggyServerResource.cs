namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// An Iggy server that streams, topics and consumer groups are declared on, and that the integration talks to over
/// its HTTP API with the root user's credentials (to create them, and for the dashboard commands): the apache/iggy
/// container (<see cref="IggyResource"/>) or the in-memory test server (<see cref="IggyTestServerResource"/>).
/// </summary>
public interface IIggyServerResource : IResourceWithConnectionString, IResourceWithServiceDiscovery
{
    /// <summary>The binary TCP endpoint clients connect to.</summary>
    EndpointReference TcpEndpoint { get; }

    /// <summary>The HTTP API endpoint (also serves <c>/ping</c>).</summary>
    EndpointReference HttpEndpoint { get; }

    /// <summary>The root user's name.</summary>
    ReferenceExpression UserNameReference { get; }

    /// <summary>The root user's password parameter.</summary>
    ParameterResource PasswordParameter { get; }
}
