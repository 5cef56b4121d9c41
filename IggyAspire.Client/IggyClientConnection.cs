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
/// <para>
/// Take this class, not the client, in a constructor, and read <see cref="Client"/> when you call Iggy. The host
/// constructs every hosted service before it starts the first one, so a constructor that read the client would run
/// before the connection exists; and a connection found dead is replaced by a new client.
/// </para>
/// <para>
/// Apache.Iggy 0.8.0's TCP protocol has no request ids: the SDK writes a request and reads the next answer on the
/// socket (TcpMessageStream.SendRawAsync). A token cancelled after the request went out leaves its answer in the
/// socket, and every later call then reads the answer meant for the call before it, for good. So no cancellable token
/// reaches a call on the shared client: callers stop waiting (<see cref="Task.WaitAsync(CancellationToken)"/>), the
/// call runs to its answer, and a connection whose ping stays unanswered past <see cref="DeadAfter"/> is replaced.
/// </para>
/// </remarks>
public sealed partial class IggyClientConnection(
    string connectionName,
    IggyClientSettings settings,
    IggyServerAddressResolver resolver,
    ILoggerFactory loggerFactory,
    TimeProvider timeProvider) : IHostedService, IDisposable
{
    /// <summary>
    /// How long a ping may stay unanswered before the connection counts as dead (half-open: server 0.8.0 has TCP
    /// keepalive off, so no FIN or RST may ever come) and is replaced, closing the old socket.
    /// </summary>
    public static readonly TimeSpan DeadAfter = TimeSpan.FromSeconds(30);

    private readonly ILogger _logger = loggerFactory.CreateLogger<IggyClientConnection>();
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _replacing = new(1, 1);
    private IIggyClient? _client;

    // Cancelled when the client is replaced: it ends the waits of calls still in flight on the old one, which a
    // disposed Apache.Iggy client never completes (a call queued behind a silent one waits on a SemaphoreSlim that
    // Dispose does not wake: TcpMessageStream.Dispose and SendRawAsync).
    private CancellationTokenSource _clientGone = new();
    private IggyServerAddress? _server;
    private (string Username, string Password) _credentials;
    private IggyTcpOptions _options = new();
    private OutstandingPing? _ping;
    private CancellationTokenSource? _stopping;
    private Task _heartbeat = Task.CompletedTask;

    /// <summary>The server this connection talks to; known once the host has started.</summary>
    public IggyServerAddress Server => _server ?? throw NotStarted();

    /// <summary>The connected, logged-in client; available once the host has started. It changes when the connection is replaced.</summary>
    public IIggyClient Client
    {
        get
        {
            lock (_lock)
            {
                return _client ?? throw NotStarted();
            }
        }
    }

    /// <summary>Whether the host has started and the client is connected and logged in.</summary>
    public bool IsConnected
    {
        get
        {
            lock (_lock)
            {
                return _client is not null;
            }
        }
    }

    /// <summary>How many times a dead connection was replaced.</summary>
    public int Replacements { get; private set; }

    /// <summary>
    /// A connection over a client that is already connected and logged in, never started: the seam through which
    /// tests give <see cref="IggyTransport"/> a fake client. It resolves nothing, so it needs no resolver.
    /// </summary>
    internal static IggyClientConnection Over(IIggyClient client, IggyServerAddress server) =>
        new("iggy", new IggyClientSettings(), null!, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, TimeProvider.System) { _client = client, _server = server };

    /// <summary>Resolves the server, then connects and logs in within <c>Aspire:Apache:Iggy:ConnectTimeout</c>.</summary>
    /// <exception cref="TimeoutException">No connection and login within the timeout; the message names its key.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var connectionString = settings.ParseConnectionString(connectionName);
        _credentials = settings.ResolveCredentials(connectionName, connectionString);
        var server = await resolver.ResolveAsync(connectionName, connectionString, cancellationToken).ConfigureAwait(false);
        _options = connectionString?.Options ?? new IggyTcpOptions();
        if (IggyClientConfiguration.IgnoredOptions(_options) is [_, ..] ignored)
        {
            LogIgnoredOptions(_logger, connectionName, string.Join(", ", ignored));
        }

        var client = await ConnectNewClientAsync(server, cancellationToken).ConfigureAwait(false);
        LogConnected(_logger, server, _credentials.Username);
        lock (_lock)
        {
            _server = server;
            _client = client;
        }

        if (_options.HeartbeatInterval is { } interval)
        {
            _stopping = new CancellationTokenSource();
            _heartbeat = HeartbeatAsync(interval, _stopping.Token);
        }
    }

    /// <summary>
    /// The connection string's <c>heartbeat_interval</c>, honoured: Apache.Iggy 0.8.0 sends no heartbeat, and a
    /// server with its heartbeat check on deletes every client that has not pinged for 1.2 × its interval
    /// (server-0.8.0 core/server/src/shard/tasks/periodic/heartbeat_verifier.rs:24-77; only a ping refreshes it,
    /// binary/handlers/system/ping_handler.rs:36). Each beat is also the watchdog: a ping unanswered for
    /// <see cref="DeadAfter"/> replaces the connection, with or without anyone asking /health.
    /// </summary>
    private async Task HeartbeatAsync(TimeSpan interval, CancellationToken stoppingToken)
    {
        LogHeartbeat(_logger, interval);
        using var timer = new PeriodicTimer(interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    var outcome = await PingAsync(interval, stoppingToken).ConfigureAwait(false);
                    if (!outcome.IsAnswered)
                    {
                        LogHeartbeatUnanswered(_logger, outcome.Exception, outcome.Description);
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // A replacement that could not connect: the next beat tries again.
                    LogHeartbeatUnanswered(_logger, exception, exception.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Runs <paramref name="call"/> on the current client and waits for its answer until <paramref name="cancellationToken"/>
    /// is cancelled or the client is replaced. The call gets no token of its own (see the remarks on this class).
    /// </summary>
    /// <exception cref="IOException">The client was replaced while the call was in flight; its outcome is unknown.</exception>
    internal async Task<T> CallAsync<T>(Func<IIggyClient, Task<T>> call, CancellationToken cancellationToken)
    {
        var (client, gone) = Current();
        var answer = call(client);
        await WaitForAnswerAsync(answer, gone, cancellationToken).ConfigureAwait(false);
        return await answer.ConfigureAwait(false);
    }

    /// <inheritdoc cref="CallAsync{T}"/>
    internal async Task CallAsync(Func<IIggyClient, Task> call, CancellationToken cancellationToken)
    {
        var (client, gone) = Current();
        await WaitForAnswerAsync(call(client), gone, cancellationToken).ConfigureAwait(false);
    }

    // An answer already there needs no wait, so no linked token source per call on the hot path.
    private static async Task WaitForAnswerAsync(Task answer, CancellationToken gone, CancellationToken cancellationToken)
    {
        if (answer.IsCompleted)
        {
            await answer.ConfigureAwait(false);
            return;
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, gone);
        try
        {
            await answer.WaitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (gone.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new IOException("The connection to Iggy was replaced while this call was in flight; its outcome is unknown.");
        }
    }

    /// <summary>
    /// Pings the server over the current client and waits at most <paramref name="bound"/> for the answer. Callers
    /// share one ping while it is unanswered, so checks never pile requests up behind a silent server. A ping
    /// unanswered for <see cref="DeadAfter"/> replaces the connection.
    /// </summary>
    /// <returns>How the ping ended: answered, failed, unanswered within the bound, or unanswered for good (replaced).</returns>
    public async Task<PingOutcome> PingAsync(TimeSpan bound, CancellationToken cancellationToken)
    {
        var ping = CurrentPing();
        try
        {
            await ping.Answer.WaitAsync(bound, timeProvider, cancellationToken).ConfigureAwait(false);
            return PingOutcome.Answered();
        }
        catch (TimeoutException) when (timeProvider.GetElapsedTime(ping.SentAt) >= DeadAfter)
        {
            await ReplaceAsync(ping.Client, cancellationToken).ConfigureAwait(false);
            return PingOutcome.Replaced(timeProvider.GetElapsedTime(ping.SentAt));
        }
        catch (TimeoutException)
        {
            return PingOutcome.Unanswered(bound);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return PingOutcome.Failed(exception);
        }
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopping is not null)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            await _heartbeat.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
        {
            _client?.Dispose();
        }

        _stopping?.Dispose();
        _clientGone.Dispose();
        _replacing.Dispose();
    }

    private (IIggyClient Client, CancellationToken Gone) Current()
    {
        lock (_lock)
        {
            return (_client ?? throw NotStarted(), _clientGone.Token);
        }
    }

    private OutstandingPing CurrentPing()
    {
        lock (_lock)
        {
            var client = _client ?? throw NotStarted();
            if (_ping is not { } ping || ping.Answer.IsCompleted || ping.Client != client)
            {
                ping = new OutstandingPing(client, client.PingAsync(CancellationToken.None), timeProvider.GetTimestamp());
                _ping = ping;
            }

            return ping;
        }
    }

    /// <summary>
    /// A new client in place of <paramref name="dead"/>, unless another caller replaced it already. Disposing the
    /// old one closes its socket: its calls in flight fail, and the server deletes its session with its group
    /// memberships (server-0.8.0 core/server/src/tcp/tcp_listener.rs:175 cleanup_connection → shard/system/clients.rs:35 delete_client), so a consumer
    /// rejoins on the new one when its next poll is refused as a non-member (5006).
    /// </summary>
    private async Task ReplaceAsync(IIggyClient dead, CancellationToken cancellationToken)
    {
        await _replacing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_lock)
            {
                if (_client != dead)
                {
                    return;
                }
            }

            LogReplacing(_logger, Server, DeadAfter);
            var replacement = await ConnectNewClientAsync(Server, cancellationToken).ConfigureAwait(false);
            CancellationTokenSource gone;
            lock (_lock)
            {
                _client = replacement;
                _ping = null;
                (gone, _clientGone) = (_clientGone, new CancellationTokenSource());
                Replacements++;
            }

            // Not disposed: a call may still be linking its wait to it (replacements are rare).
            await gone.CancelAsync().ConfigureAwait(false);
            dead.Dispose();
            LogConnected(_logger, Server, _credentials.Username);
        }
        finally
        {
            _replacing.Release();
        }
    }

    // The one place a token reaches the SDK: the client is new and nobody else uses it yet, and on a timeout it is
    // disposed, so no answer can be read out of step.
    private async Task<IIggyClient> ConnectNewClientAsync(IggyServerAddress server, CancellationToken cancellationToken)
    {
        var client = IggyClientFactory.CreateClient(
            IggyClientConfiguration.Create(connectionName, server, _credentials, _options, loggerFactory));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.ConnectTimeout);
        try
        {
            await client.ConnectAsync(timeout.Token).ConfigureAwait(false);
            return client;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            throw new TimeoutException(
                $"Could not connect and log in to Iggy at {server} as '{_credentials.Username}' within {settings.ConnectTimeout} ({IggyClientSettings.DefaultConfigSectionName}:ConnectTimeout). The Iggy SDK's log above says why.");
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private InvalidOperationException NotStarted() => new(
        $"The Iggy connection '{connectionName}' is used before the host started it: read Client and Server when you call Iggy (from ExecuteAsync, for example), not in a constructor, and register AddIggyClient before the hosted services that use it.");

    private sealed record OutstandingPing(IIggyClient Client, Task Answer, long SentAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ConnectionStrings:{ConnectionName} has options Apache.Iggy 0.8.0 cannot honour, ignored: {IgnoredOptions}")]
    private static partial void LogIgnoredOptions(ILogger logger, string connectionName, string ignoredOptions);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to Iggy at {Server} as '{Username}'")]
    private static partial void LogConnected(ILogger logger, IggyServerAddress server, string username);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pinging the Iggy server every {Interval} (heartbeat_interval)")]
    private static partial void LogHeartbeat(ILogger logger, TimeSpan interval);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Heartbeat: {Description}")]
    private static partial void LogHeartbeatUnanswered(ILogger logger, Exception? exception, string description);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The connection to Iggy at {Server} left a ping unanswered for {DeadAfter}: replacing it with a new connection")]
    private static partial void LogReplacing(ILogger logger, IggyServerAddress server, TimeSpan deadAfter);
}
