using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace IggyAspire.Tests.EntryPoints;

/// <summary>
/// A TCP listener that answers the part of Iggy 0.8.0's binary protocol a worker needs to start: login, the cluster
/// metadata query the SDK makes right after it, and ping. Every other command gets the server's "feature unavailable"
/// error (code 5), so a worker sees a well-formed refusal rather than a hang.
/// </summary>
/// <remarks>
/// Frames as Apache.Iggy 0.8.0 writes and reads them (foreign/csharp/Iggy_SDK/Utils/TcpMessageStreamHelpers.cs,
/// CreatePayload and GetResponseLengthAndStatus; TcpMessageStream.SendRawAsync): a request is
/// <c>[u32 length = 4 + payload][u32 command][payload]</c>, a response <c>[u32 status][u32 length][payload]</c>, all
/// little-endian. Login (command 38, TcpContracts.LoginUser: u8 name length, name, u8 password length, password, …)
/// answers the user id as a u32 (TcpMessageStream.LoginUserAsync). An empty cluster-metadata answer (command 12)
/// means no leader to redirect to (TcpMessageStream.GetCurrentLeaderNodeAsync).
/// </remarks>
internal sealed class FakeIggyServer : IAsyncDisposable
{
    public const int PingCommand = 1;
    public const int ClusterMetadataCommand = 12;
    public const int LoginCommand = 38;
    private const int FeatureUnavailable = 5;
    private const int InvalidCredentials = 42;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _username;
    private readonly string _password;
    private readonly Task _accepting;

    private readonly bool _answerPings;

    /// <param name="username">The root user's name.</param>
    /// <param name="password">The root user's password.</param>
    /// <param name="answerPings">False: pings get no answer at all, as from a server that stopped responding.</param>
    public FakeIggyServer(string username, string password, bool answerPings = true)
    {
        (_username, _password, _answerPings) = (username, password, answerPings);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Every command received, in order, as its code.</summary>
    public ConcurrentQueue<int> Commands { get; } = new();

    /// <summary>The user names of successful logins.</summary>
    public ConcurrentQueue<string> Logins { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stopping.Token);
                connections.Add(ServeAsync(client));
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        await Task.WhenAll(connections).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var connection = client;
        var stream = client.GetStream();
        var header = new byte[8];
        try
        {
            while (true)
            {
                await stream.ReadExactlyAsync(header, _stopping.Token);
                var length = BinaryPrimitives.ReadInt32LittleEndian(header);
                var command = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4));
                var payload = new byte[length - 4];
                await stream.ReadExactlyAsync(payload, _stopping.Token);
                Commands.Enqueue(command);
                if (command == PingCommand && !_answerPings)
                {
                    continue;
                }

                var (status, body) = command switch
                {
                    LoginCommand => Login(payload),
                    PingCommand or ClusterMetadataCommand => (0, Array.Empty<byte>()),
                    _ => (FeatureUnavailable, Array.Empty<byte>()),
                };
                var response = new byte[8 + body.Length];
                BinaryPrimitives.WriteInt32LittleEndian(response, status);
                BinaryPrimitives.WriteInt32LittleEndian(response.AsSpan(4), body.Length);
                body.CopyTo(response, 8);
                await stream.WriteAsync(response, _stopping.Token);
            }
        }
        catch (Exception exception) when (exception is EndOfStreamException or IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private (int Status, byte[] Body) Login(byte[] payload)
    {
        var username = Encoding.UTF8.GetString(payload, 1, payload[0]);
        var passwordAt = 1 + payload[0];
        var password = Encoding.UTF8.GetString(payload, passwordAt + 1, payload[passwordAt]);
        if (username != _username || password != _password)
        {
            return (InvalidCredentials, []);
        }

        Logins.Enqueue(username);
        var userId = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(userId, 1);
        return (0, userId);
    }
}
