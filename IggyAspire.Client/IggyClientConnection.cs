using Apache.Iggy.Configuration;
using Apache.Iggy.Enums;
using Apache.Iggy.Factory;
using Apache.Iggy.IggyClient;
using IggyAspire.Messaging.Connection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IggyAspire.Client;

/// <summary>
/// Owns the worker's single <see cref="IIggyClient"/>. The server's address comes from service discovery, which
/// answers asynchronously, so the client is created, connected and logged in when the host starts, before any
/// worker runs (hosted services start in registration order, and AddIggyClient comes first).
/// </summary>
internal sealed partial class IggyClientConnection(
    string connectionName,
    IggyClientSettings settings,
    IggyServerAddressResolver resolver,
    ILoggerFactory loggerFactory) : IHostedService, IDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<IggyClientConnection>();
    private IIggyClient? _client;

    public IggyServerAddress? Server { get; private set; }

    public IIggyClient Client => _client ?? throw new InvalidOperationException(
        $"The Iggy client '{connectionName}' is used before the host started: it connects in a hosted service that AddIggyClient registers, so resolve it from a hosted service or after the host started.");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var connectionString = settings.ParseConnectionString(connectionName);
        var (username, password) = settings.ResolveCredentials(connectionName, connectionString);
        var server = await resolver.ResolveAsync(connectionName, connectionString, cancellationToken).ConfigureAwait(false);

        var client = IggyClientFactory.CreateClient(new IggyClientConfigurator
        {
            BaseAddress = server.ToString(),
            Protocol = Protocol.Tcp,
            LoggerFactory = loggerFactory,
            // The SDK retries the first connection and reconnects (and logs in again) when the server goes away.
            ReconnectionSettings = new ReconnectionSettings
            {
                Enabled = true,
                MaxRetries = 0,
                InitialDelay = TimeSpan.FromSeconds(1),
                MaxDelay = TimeSpan.FromSeconds(10),
            },
            AutoLoginSettings = new AutoLoginSettings { Enabled = true, Username = username, Password = password },
        });

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
        Server = server;
        _client = client;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _client?.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to Iggy at {Server} as '{Username}'")]
    private static partial void LogConnected(ILogger logger, IggyServerAddress server, string username);
}
