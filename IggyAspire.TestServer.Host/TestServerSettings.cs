using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace IggyAspire.TestServer.Host;

/// <summary>
/// The test server's settings, under the environment variables server 0.8.0 reads for the same things
/// (core/configs: <c>IGGY_TCP_ADDRESS</c>, <c>IGGY_HTTP_ADDRESS</c>, <c>IGGY_ROOT_USERNAME</c>, <c>IGGY_ROOT_PASSWORD</c>),
/// so that what starts the server can start this one the same way.
/// </summary>
internal sealed class TestServerSettings
{
    /// <summary>Where the TCP front end listens: a loopback <c>host:port</c>.</summary>
    [ConfigurationKeyName("IGGY_TCP_ADDRESS")]
    public string TcpAddress { get; set; } = "127.0.0.1:8090";

    /// <summary>Where the HTTP front end listens: a loopback <c>host:port</c>.</summary>
    [ConfigurationKeyName("IGGY_HTTP_ADDRESS")]
    public string HttpAddress { get; set; } = "127.0.0.1:3000";

    /// <summary>The root user's name; <c>iggy</c> as the server's default.</summary>
    [ConfigurationKeyName("IGGY_ROOT_USERNAME")]
    public string RootUsername { get; set; } = "iggy";

    /// <summary>The root user's password: required, there is no default.</summary>
    [ConfigurationKeyName("IGGY_ROOT_PASSWORD")]
    public string? RootPassword { get; set; }

    /// <summary>The port of a loopback <c>host:port</c>, or null when it is not one.</summary>
    public static int? LoopbackPort(string address)
    {
        var colon = address.LastIndexOf(':');
        if (colon <= 0 || address[..colon] is not ("127.0.0.1" or "localhost"))
        {
            return null;
        }

        return int.TryParse(address[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535
            ? port
            : null;
    }
}
