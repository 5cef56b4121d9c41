using Apache.Iggy.Configuration;
using Apache.Iggy.Enums;
using IggyAspire.Messaging.Connection;
using Microsoft.Extensions.Logging;

namespace IggyAspire.Client;

/// <summary>
/// Apache.Iggy 0.8.0's client configuration for a server, credentials and the connection string's
/// <see cref="IggyTcpOptions"/>: the options the SDK can honour are mapped onto its settings, the rest are named by
/// <see cref="IgnoredOptions"/>.
/// </summary>
internal static class IggyClientConfiguration
{
    // Task.Delay's longest wait; the SDK waits the reconnection interval with it.
    private static readonly TimeSpan LongestDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>The configurator for <c>IggyClientFactory.CreateClient</c>.</summary>
    /// <exception cref="InvalidOperationException">TLS is on without a CA file the SDK can read; the message names the option.</exception>
    public static IggyClientConfigurator Create(
        string connectionName,
        IggyServerAddress server,
        (string Username, string Password) credentials,
        IggyTcpOptions options,
        ILoggerFactory loggerFactory) => new()
        {
            BaseAddress = server.ToString(),
            Protocol = Protocol.Tcp,
            LoggerFactory = loggerFactory,
            // The SDK retries the first connection and reconnects (and logs in again) when the server goes away.
            ReconnectionSettings = Reconnection(options),
            TlsSettings = Tls(connectionName, server, options),
            AutoLoginSettings = new AutoLoginSettings { Enabled = true, Username = credentials.Username, Password = credentials.Password },
        };

    /// <summary>The options given that Apache.Iggy 0.8.0 has no setting for, by name.</summary>
    public static IReadOnlyList<string> IgnoredOptions(IggyTcpOptions options) =>
    [
        // The SDK waits ReconnectionSettings.InitialDelay before reconnecting, not a time since the last connection.
        .. options.ReestablishAfter is null ? [] : new[] { "reestablish_after" },
        // heartbeat_interval is honoured by IggyClientConnection, which pings at that interval (the SDK sends none).
        // It never sets Socket.NoDelay, so nodelay=false is what it does anyway.
        .. options.NoDelay ? new[] { "nodelay" } : [],
    ];

    // Apache.Iggy's ReconnectionSettings and TcpMessageStream.TryEstablishConnectionAsync: MaxRetries 0 means no limit,
    // and each wait is InitialDelay, doubled up to MaxDelay while UseExponentialBackoff is on.
    private static ReconnectionSettings Reconnection(IggyTcpOptions options)
    {
        var reconnection = new ReconnectionSettings
        {
            Enabled = true,
            MaxRetries = 0,
            InitialDelay = TimeSpan.FromSeconds(1),
            MaxDelay = TimeSpan.FromSeconds(10),
        };

        switch (options.ReconnectionRetries)
        {
            // Rust's "no retries": the SDK's only way to say it is to turn reconnection off, which also leaves a lost
            // connection lost where Rust would try it once more.
            case 0:
                reconnection.Enabled = false;
                break;
            case { } retries:
                reconnection.MaxRetries = (int)Math.Min(retries, int.MaxValue);
                break;
        }

        // Rust waits the same interval before every retry (core/sdk/src/tcp/tcp_client.rs); so does the SDK without backoff.
        if (options.ReconnectionInterval is { } interval)
        {
            reconnection.InitialDelay = interval < LongestDelay ? interval : LongestDelay;
            reconnection.UseExponentialBackoff = false;
        }

        return reconnection;
    }

    // TcpMessageStream.CreateSslStreamAndAuthenticate: it authenticates as TlsSettings.Hostname and first checks that
    // CertificatePath is an existing file, throwing on every attempt otherwise; Rust's client would fall back to the
    // public roots. Without a readable file the connection could never succeed, so it fails here, saying why.
    private static TlsSettings Tls(string connectionName, IggyServerAddress server, IggyTcpOptions options)
    {
        if (!options.Tls)
        {
            return new TlsSettings();
        }

        if (string.IsNullOrEmpty(options.TlsCaFile))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{connectionName} has tls=true but no tls_ca_file: Apache.Iggy 0.8.0 needs the PEM file of the certificate authority that signed the server's certificate (add &tls_ca_file=/path/to/ca.pem).");
        }

        if (!File.Exists(options.TlsCaFile))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{connectionName} has tls_ca_file='{options.TlsCaFile}', which is not an existing file.");
        }

        return new TlsSettings
        {
            Enabled = true,
            // Rust's default too: an empty tls_domain means the host it connects to.
            Hostname = options.TlsDomain.Length > 0 ? options.TlsDomain : server.Host,
            CertificatePath = options.TlsCaFile,
        };
    }
}
