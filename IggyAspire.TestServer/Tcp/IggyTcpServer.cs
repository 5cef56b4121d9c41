using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using IggyAspire.TestServer.Model;

namespace IggyAspire.TestServer.Tcp;

/// <summary>
/// A TCP server that speaks Iggy 0.8.0's binary protocol on 127.0.0.1 as Apache.Iggy 0.8.0 writes and reads it, over
/// the shared <see cref="SimulatedIggyServer"/> model. Each connection is one model client: connected on accept,
/// deleted on close, which leaves its groups and rebalances them (tcp/tcp_listener.rs:140-163 add_client and
/// cleanup_connection:175-183, shard/system/clients.rs:35-83 delete_client). Every model call holds the model's gate.
/// </summary>
/// <remarks>
/// Framing (Iggy_SDK/Utils/TcpMessageStreamHelpers.cs:29-44, IggyClient/Implementations/TcpMessageStream.cs SendRawAsync;
/// server tcp/connection_handler.rs:77-107, common/src/sender/mod.rs:182-208): a request is
/// <c>[u32 length = 4 + payload][u32 command][payload]</c>, an answer <c>[u32 status][u32 length][payload]</c>, all
/// little-endian; an error is its status with length 0, which the SDK throws as IggyInvalidStatusCodeException(status).
/// </remarks>
internal sealed class IggyTcpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly TimeProvider _time;
    private readonly IggyCommandHandler _handler;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<long, Connection> _connections = [];
    private readonly List<ReceivedCommand> _commands = [];
    private readonly List<LoginAttempt> _logins = [];
    private readonly List<string> _failures = [];
    private readonly Task _accepting;
    private volatile bool _down;

    private IggyTcpServer(IggyTcpServerOptions options)
    {
        _time = options.TimeProvider;
        Model = new SimulatedIggyServer(_time, options.Username, options.Password, options.HeartbeatInterval);
        _handler = new IggyCommandHandler(Model);
        _listener = new TcpListener(IPAddress.Loopback, options.Port);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>Starts listening at once.</summary>
    public static IggyTcpServer Start(IggyTcpServerOptions? options = null) => new(options ?? new IggyTcpServerOptions());

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The address as Apache.Iggy's IggyClientConfigurator.BaseAddress takes it.</summary>
    public string Address => $"127.0.0.1:{Port}";

    /// <summary>The faults to apply, per command code.</summary>
    public IggyFaultScript Faults { get; } = new();

    /// <summary>The model; read it through <see cref="Inspect{T}"/>, which holds its gate.</summary>
    public SimulatedIggyServer Model { get; }

    /// <summary>Whether a <see cref="RestartAsync"/> is in its downtime.</summary>
    public bool IsDown => _down;

    /// <summary>Every request read, in order, on every connection.</summary>
    public IReadOnlyList<ReceivedCommand> Commands
    {
        get
        {
            lock (_lock)
            {
                return _commands.ToArray();
            }
        }
    }

    /// <summary>Every login attempt, in order.</summary>
    public IReadOnlyList<LoginAttempt> Logins
    {
        get
        {
            lock (_lock)
            {
                return _logins.ToArray();
            }
        }
    }

    /// <summary>
    /// Every request the server could not handle, in order: a payload that did not decode (answered 3) or a failure of
    /// the server itself (answered 1), each also written to standard error.
    /// </summary>
    public IReadOnlyList<string> Failures
    {
        get
        {
            lock (_lock)
            {
                return _failures.ToArray();
            }
        }
    }

    /// <summary>The model's connected clients now, in id order.</summary>
    public IReadOnlyList<long> ConnectedClientIds => Inspect(model => model.ConnectedClients.Order().ToArray());

    /// <summary>The command codes one connection sent, in order.</summary>
    public IReadOnlyList<int> CommandsOf(long clientId) => Commands.Where(command => command.ClientId == clientId).Select(command => command.Code).ToArray();

    /// <summary>Reads the model under its gate.</summary>
    public T Inspect<T>(Func<SimulatedIggyServer, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        lock (Model.Gate)
        {
            return read(Model);
        }
    }

    /// <summary>Closes one connection from the server's side, as a network drop would; the model deletes its client.</summary>
    public Task DropConnectionAsync(long clientId)
    {
        Connection? connection;
        lock (_lock)
        {
            _connections.TryGetValue(clientId, out connection);
        }

        return connection?.CloseAsync() ?? Task.CompletedTask;
    }

    /// <summary>
    /// A half-open connection from now on: every request of <paramref name="clientId"/> (its pings too) is read and lost,
    /// as <see cref="IggyFault.NeverAnswer"/> does from the request it serves; the socket stays open.
    /// </summary>
    /// <returns>False when no such connection is open.</returns>
    public bool Mute(long clientId)
    {
        lock (_lock)
        {
            if (_connections.TryGetValue(clientId, out var connection))
            {
                connection.Muted = true;
                return true;
            }

            return false;
        }
    }

    /// <summary>
    /// A server restart: every connection is closed, the model stops (memberships and polled offsets forgotten, data
    /// kept: <see cref="SimulatedIggyServer.Stop"/>) and starts again after <paramref name="downtime"/>, during which a
    /// new connection is accepted and closed at once (tcp/tcp_listener.rs:133-136 drops it while shutting down).
    /// </summary>
    /// <param name="downtime">How long the server stays down, on the server's clock.</param>
    /// <param name="announce">
    /// True: each connection first gets an unsolicited status 8 Disconnected, as a graceful 0.8.0 shutdown writes to a
    /// connection waiting for its next request (tcp/connection_handler.rs:55-58); the SDK reads it as the answer to its
    /// next request. False: the sockets just close, as when the process dies.
    /// </param>
    public async Task RestartAsync(TimeSpan downtime = default, bool announce = false)
    {
        _down = true;
        Connection[] open;
        lock (_lock)
        {
            open = [.. _connections.Values];
        }

        foreach (var connection in open)
        {
            if (announce)
            {
                await connection.TryWriteAsync(Frame(IggyWireStatus.Disconnected, [])).ConfigureAwait(false);
            }

            await connection.CloseAsync().ConfigureAwait(false);
        }

        lock (Model.Gate)
        {
            Model.Stop();
        }

        if (downtime > TimeSpan.Zero)
        {
            await Task.Delay(downtime, _time, _stopping.Token).ConfigureAwait(false);
        }

        lock (Model.Gate)
        {
            Model.Start();
        }

        _down = false;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Connection[] open;
        lock (_lock)
        {
            open = [.. _connections.Values];
        }

        foreach (var connection in open)
        {
            await connection.CloseAsync().ConfigureAwait(false);
        }

        await Model.DisposeTimersAsync().ConfigureAwait(false);

        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            long clientId;
            try
            {
                if (_down)
                {
                    throw new IOException("down");
                }

                lock (Model.Gate)
                {
                    clientId = Model.Connect();
                }
            }
            catch (IOException)
            {
                client.Dispose();
                continue;
            }

            var connection = new Connection(client, clientId, _stopping.Token);
            lock (_lock)
            {
                _connections[clientId] = connection;
            }

            connection.Serving = Task.Run(() => ServeAsync(connection));
        }
    }

    private async Task ServeAsync(Connection connection)
    {
        var stream = connection.Stream;
        var header = new byte[8];
        try
        {
            while (true)
            {
                await stream.ReadExactlyAsync(header, connection.Token).ConfigureAwait(false);
                var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
                var code = (int)BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4));
                if (length < 4)
                {
                    // RequestFrame::payload_length refuses a length below the code's 4 bytes (connection_handler.rs:85-92).
                    await connection.WriteAsync(Frame(IggyWireStatus.InvalidCommand, [])).ConfigureAwait(false);
                    continue;
                }

                var payload = new byte[length - 4];
                await stream.ReadExactlyAsync(payload, connection.Token).ConfigureAwait(false);
                var fault = connection.Muted ? IggyFault.NeverAnswer() : Faults.Take(code);
                lock (_lock)
                {
                    _commands.Add(new ReceivedCommand(connection.ClientId, code, _time.GetUtcNow(), fault));
                }

                switch (fault)
                {
                    case IggyFault.NoAnswer:
                        connection.Muted = true;
                        continue;
                    case IggyFault.Refusal refusal:
                        await connection.WriteAsync(Frame(refusal.Status, [])).ConfigureAwait(false);
                        continue;
                    case IggyFault.Garbage garbage:
                        await connection.WriteAsync(Frame(IggyWireStatus.Ok, garbage.Body)).ConfigureAwait(false);
                        continue;
                    case IggyFault.Close { AfterApplying: false }:
                        return;
                }

                var answer = Apply(connection.ClientId, code, payload, (fault as IggyFault.Failure)?.Exception);
                switch (fault)
                {
                    case IggyFault.Close:
                        return;
                    case IggyFault.LateAnswer late:
                        await Task.Delay(late.Delay, _time, connection.Token).ConfigureAwait(false);
                        break;
                }

                await connection.WriteAsync(Frame(answer.Status, answer.Body)).ConfigureAwait(false);
                if (answer.Close)
                {
                    return;
                }
            }
        }
        catch (Exception exception) when (exception is EndOfStreamException or IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
        finally
        {
            await connection.CloseAsync(fromServe: true).ConfigureAwait(false);
            lock (Model.Gate)
            {
                // cleanup_connection (tcp/tcp_listener.rs:175-183): delete_client leaves every group the client joined.
                Model.Disconnect(connection.ClientId);
            }

            lock (_lock)
            {
                _connections.Remove(connection.ClientId);
            }

            connection.Dispose();
        }
    }

    private IggyAnswer Apply(long clientId, int code, byte[] payload, Exception? failure)
    {
        IggyAnswer answer;
        lock (Model.Gate)
        {
            answer = _handler.Handle(clientId, code, payload, failure);
        }

        if (answer.Failure is { } failed)
        {
            var line = $"client {clientId}, command {code}: answered {answer.Status}: {failed}";
            lock (_lock)
            {
                _failures.Add(line);
            }

            Console.Error.WriteLine($"IggyTcpServer: {line}");
        }

        if (code == IggyCommandCodes.LoginUser && payload.Length > 0 && payload[0] < payload.Length)
        {
            lock (_lock)
            {
                _logins.Add(new LoginAttempt(clientId, Encoding.UTF8.GetString(payload, 1, payload[0]), answer.Status == IggyWireStatus.Ok));
            }
        }

        return answer;
    }

    /// <summary>An answer frame: u32 status, u32 payload length, payload (common/src/sender/mod.rs:182-208).</summary>
    internal static byte[] Frame(int status, byte[] body)
    {
        var frame = new byte[8 + body.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, status);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(4), body.Length);
        body.CopyTo(frame, 8);
        return frame;
    }

    private sealed class Connection(TcpClient client, long clientId, CancellationToken stopping) : IDisposable
    {
        private readonly CancellationTokenSource _closing = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        private readonly SemaphoreSlim _writing = new(1, 1);
        private int _closed;

        public long ClientId => clientId;

        public NetworkStream Stream { get; } = client.GetStream();

        public CancellationToken Token => _closing.Token;

        /// <summary>After a never-answer fault: the connection is half-open, nothing more is applied or written.</summary>
        public bool Muted { get; set; }

        public Task Serving { get; set; } = Task.CompletedTask;

        public async Task WriteAsync(byte[] frame)
        {
            await _writing.WaitAsync(Token).ConfigureAwait(false);
            try
            {
                await Stream.WriteAsync(frame, Token).ConfigureAwait(false);
            }
            finally
            {
                _writing.Release();
            }
        }

        public async Task TryWriteAsync(byte[] frame)
        {
            try
            {
                await WriteAsync(frame).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }

        /// <summary>Closes the socket; from outside, waits until the connection's loop has cleaned up.</summary>
        public async Task CloseAsync(bool fromServe = false)
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0)
            {
                await _closing.CancelAsync().ConfigureAwait(false);
                client.Dispose();
            }

            if (!fromServe)
            {
                await Serving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        public void Dispose()
        {
            _closing.Dispose();
            _writing.Dispose();
        }
    }
}
