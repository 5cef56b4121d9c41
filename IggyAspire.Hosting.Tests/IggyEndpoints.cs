using Aspire.Hosting.ApplicationModel;

namespace IggyAspire.Hosting.Tests;

/// <summary>What the orchestrator does when the server starts: gives an endpoint its host address and port.</summary>
internal static class IggyEndpoints
{
    public static void Allocate(IResource iggy, string endpointName, int port, string host = "localhost")
    {
        var endpoint = iggy.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == endpointName);
        endpoint.AllocatedEndpoint = new AllocatedEndpoint(endpoint, host, port);
    }
}
