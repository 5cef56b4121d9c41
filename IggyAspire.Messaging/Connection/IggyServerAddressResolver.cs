using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.ServiceDiscovery;

namespace IggyAspire.Messaging.Connection;

/// <summary>
/// Finds the Iggy server: first through service discovery (<c>tcp://{name}</c>, which Aspire feeds from
/// <c>services:{name}:tcp:0</c>), then from the connection string's host and port, for a server outside Aspire.
/// </summary>
public sealed class IggyServerAddressResolver(ServiceEndpointResolver endpointResolver)
{
    /// <summary>Resolves the TCP address of the server named <paramref name="serviceName"/>.</summary>
    /// <exception cref="InvalidOperationException">Neither source names a usable address; the message names both keys.</exception>
    public async Task<IggyServerAddress> ResolveAsync(string serviceName, IggyConnectionString? connectionString, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceName);

        var discovered = await endpointResolver.GetEndpointsAsync($"tcp://{serviceName}", cancellationToken).ConfigureAwait(false);
        // With nothing configured, service discovery passes the name through with port 0: that is no answer.
        if (discovered.Endpoints.Select(endpoint => endpoint.EndPoint).FirstOrDefault(HasPort) is { } endPoint)
        {
            return ToAddress(endPoint, serviceName);
        }

        return connectionString is null
            ? throw new InvalidOperationException(
                $"No address for the Iggy server '{serviceName}': set the service-discovery endpoint 'services:{serviceName}:tcp:0' (the AppHost does) or the connection string 'ConnectionStrings:{serviceName}' (iggy://user:password@host:port).")
            : new IggyServerAddress(connectionString.Host, connectionString.Port);
    }

    private static bool HasPort(EndPoint endPoint) => endPoint switch
    {
        IPEndPoint ip => ip.Port > 0,
        DnsEndPoint dns => dns.Port > 0,
        UriEndPoint uri => uri.Uri.Port > 0,
        _ => true,
    };

    private static IggyServerAddress ToAddress(EndPoint endPoint, string serviceName) => endPoint switch
    {
        IPEndPoint { AddressFamily: AddressFamily.InterNetworkV6 } => throw Ipv6(endPoint, serviceName),
        IPEndPoint ip => new IggyServerAddress(ip.Address.ToString(), ip.Port),
        DnsEndPoint dns => new IggyServerAddress(dns.Host, dns.Port),
        UriEndPoint { Uri: var uri } when uri.HostNameType == UriHostNameType.IPv6 => throw Ipv6(endPoint, serviceName),
        UriEndPoint { Uri: var uri } when uri.Port > 0 => new IggyServerAddress(uri.Host, uri.Port),
        _ => throw new InvalidOperationException(
            $"Service discovery returned '{endPoint}' for 'services:{serviceName}:tcp:0', which has no host and port Apache.Iggy can use."),
    };

    private static InvalidOperationException Ipv6(EndPoint endPoint, string serviceName) => new(
        $"Service discovery returned the IPv6 endpoint '{endPoint}' for 'services:{serviceName}:tcp:0'; Apache.Iggy 0.8.0 connects over IPv4 only.");
}
