using IggyAspire.TestServer.Http;
using IggyAspire.TestServer.Tcp;
using Microsoft.Extensions.Options;

namespace IggyAspire.TestServer.Host;

/// <summary>
/// Runs the TCP and HTTP front ends on one model for the life of the process, and says at start, as a warning, what
/// this server is not.
/// </summary>
internal sealed partial class TestServerService(IOptions<TestServerSettings> settings, ILogger<TestServerService> logger) : IHostedService, IAsyncDisposable
{
    private IggyTcpServer? _tcp;
    private IggyHttpServer? _http;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = settings.Value;
        _tcp = IggyTcpServer.Start(new IggyTcpServerOptions
        {
            Port = TestServerSettings.LoopbackPort(options.TcpAddress)!.Value,
            Username = options.RootUsername,
            Password = options.RootPassword!,
        });
        _http = await IggyHttpServer.StartAsync(_tcp.Model, new IggyHttpServerOptions { Port = TestServerSettings.LoopbackPort(options.HttpAddress)!.Value }, cancellationToken: cancellationToken).ConfigureAwait(false);
        LogNotIggy(logger);
        LogListening(logger, _tcp.Address, _http.Port);
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        if (_http is not null)
        {
            await _http.DisposeAsync().ConfigureAwait(false);
            _http = null;
        }

        if (_tcp is not null)
        {
            await _tcp.DisposeAsync().ConfigureAwait(false);
            _tcp = null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "This is the IggyAspire test server, not Iggy: an in-memory model of Iggy server 0.8.0 for development and tests. It keeps nothing (a restart starts empty) and has no segments, retention, persistence or clustering.")]
    private static partial void LogNotIggy(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening: TCP {TcpAddress}, HTTP 127.0.0.1:{HttpPort}")]
    private static partial void LogListening(ILogger logger, string tcpAddress, int httpPort);
}
