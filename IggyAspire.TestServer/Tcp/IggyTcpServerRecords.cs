namespace IggyAspire.TestServer.Tcp;

/// <summary>A request as the server read it: the connection's model client id, the command code, when, and the fault it got.</summary>
internal sealed record ReceivedCommand(long ClientId, int Code, DateTimeOffset At, IggyFault? Fault);

/// <summary>A login attempt: the connection's client id, the user name, and whether it succeeded.</summary>
internal sealed record LoginAttempt(long ClientId, string Username, bool Succeeded);

/// <summary>How to start an <see cref="IggyTcpServer"/>.</summary>
internal sealed record IggyTcpServerOptions
{
    /// <summary>0: any free port on 127.0.0.1.</summary>
    public int Port { get; init; }

    public string Username { get; init; } = "iggy";

    public string Password { get; init; } = "iggy";

    /// <summary>The model's clock and the late answers' delays; the system clock by default.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// The server's heartbeat check (config.toml:304-308, off by default): null leaves it off; otherwise a client that has
    /// not pinged for 1.2 x this interval is deleted and leaves its groups, its socket left open, and its next command
    /// answers 30 StaleClient and closes (see <see cref="Model.SimulatedIggyServer.VerifyHeartbeats"/>).
    /// </summary>
    public TimeSpan? HeartbeatInterval { get; init; }
}
