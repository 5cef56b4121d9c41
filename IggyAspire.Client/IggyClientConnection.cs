using Apache.Iggy.Factory;
using Apache.Iggy.IggyClient;
using IggyAspire.Messaging.Connection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IggyAspire.Client;

/// <summary>
/// The worker's one connection to Iggy. The server's address comes from service discovery, which answers
/// asynchronously, so the client is created, connected and logged in when the host starts: this is a hosted service,
/// and hosted services start in registration order, so register <c>AddIggyClient</c> before the services that use it.
/// </summary>
/// <remarks>
/// Take this class, not the client, in a constructor, and read <see cref="Client"/> when you call Iggy. The host
/// constructs every hosted service before it starts the first one, so a constructor that read the client would run
/// before the connection exists.
/// </remarks>
public sealed partial class IggyClientConnection(
    string connectionName,
    IggyClientSettings settings,
    IggyServerAddressResolver resolver,
    ILoggerFactory loggerFactory) : IHostedService, IDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<IggyClientConnection>();
    private IIggyClient? _client;

    private IggyServerAddress? _server;

    /// <summary>The server this connection talks to; known once the host has started.</summary>
    public IggyServerAddress Server => _server ?? throw NotStarted();

    /// <summary>The connected, logged-in client; available once the host has started.</summary>
    public IIggyClient Client => _client ?? throw NotStarted();

    /// <summary>Whether the host has started and the client is connected and logged in.</summary>
    public bool IsConnected => _client is not null;

    /// <summary>
    /// A connection over a client that is already connected and logged in, never started: the seam through which
    /// tests give <see cref="IggyTransport"/> a fake client. It resolves nothing, so it needs no resolver.
    /// </summary>
    internal static IggyClientConnection Over(IIggyClient client, IggyServerAddress server) =>
        new("iggy", new IggyClientSettings(), null!, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance) { _client = client, _server = server };

    /// <summary>Resolves the server, then connects and logs in within <c>Iggy:Client:ConnectTimeout</c>.</summary>
    /// <exception cref="TimeoutException">No connection and login within the timeout; the message names its key.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var connectionString = settings.ParseConnectionString(connectionName);
        var (username, password) = settings.ResolveCredentials(connectionName, connectionString);
        var server = await resolver.ResolveAsync(connectionName, connectionString, cancellationToken).ConfigureAwait(false);

        var options = connectionString?.Options ?? new IggyTcpOptions();
        var client = IggyClientFactory.CreateClient(
            IggyClientConfiguration.Create(connectionName, server, (username, password), options, loggerFactory));
        if (IggyClientConfiguration.IgnoredOptions(options) is [_, ..] ignored)
        {
            LogIgnoredOptions(_logger, connectionName, string.Join(", ", ignored));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.ConnectTimeout);
        try
        {
            await client.ConnectAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            throw new TimeoutException(
                $"Could not connect and log in to Iggy at {server} as '{username}' within {settings.ConnectTimeout} ({IggyClientSettings.DefaultConfigSectionName}:ConnectTimeout). The Iggy SDK's log above says why.");
        }

        LogConnected(_logger, server, username);
        _server = server;
        _client = client;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public void Dispose() => _client?.Dispose();

    private InvalidOperationException NotStarted() => new(
        $"The Iggy connection '{connectionName}' is used before the host started it: read Client and Server when you call Iggy (from ExecuteAsync, for example), not in a constructor, and register AddIggyClient before the hosted services that use it.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "ConnectionStrings:{ConnectionName} has options Apache.Iggy 0.8.0 cannot honour, ignored: {IgnoredOptions}")]
    private static partial void LogIgnoredOptions(ILogger logger, string connectionName, string ignoredOptions);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to Iggy at {Server} as '{Username}'")]
    private static partial void LogConnected(ILogger logger, IggyServerAddress server, string username);
}
