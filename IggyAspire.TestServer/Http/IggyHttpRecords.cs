using System.Text.Json.Nodes;

namespace IggyAspire.TestServer.Http;

/// <summary>
/// A request as the front end answered it: method, path (its segments percent-decoded), the route it matched (null:
/// none), its <c>Authorization</c> header, its body as text, the status answered and the scripted fault it got.
/// </summary>
internal sealed record HttpRecordedRequest(string Method, string Path, string? Route, string Authorization, string Body, int Status, IggyHttpFault? Fault, DateTimeOffset At)
{
    /// <summary>The body parsed as JSON; null when it is empty.</summary>
    public JsonNode? Json => string.IsNullOrEmpty(Body) ? null : JsonNode.Parse(Body);
}

/// <summary>How to start an <see cref="IggyHttpServer"/>; the root user's credentials are the model's.</summary>
internal sealed record IggyHttpServerOptions
{
    /// <summary>0: any free port on 127.0.0.1.</summary>
    public int Port { get; init; }

    /// <summary>config.toml:108 <c>[http.jwt] access_token_expiry = "1 h"</c>: the token's <c>exp</c> is its <c>iat</c> plus this.</summary>
    public TimeSpan AccessTokenExpiry { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The machine and process figures <c>GET /stats</c> reports, which 0.8.0 reads from sysinfo (shard/system/stats.rs:33-92).</summary>
    public IggyHostFacts Host { get; init; } = new();
}

/// <summary>
/// What 0.8.0's <c>GET /stats</c> reads from the machine and its own process with sysinfo (shard/system/stats.rs:43-92,
/// 123-140) rather than from its state: fixed here, so a test can assert on them. The run time is the model's clock
/// now less <see cref="StartedAt"/>, both in whole seconds as sysinfo gives them (stats.rs:82-85).
/// </summary>
internal sealed record IggyHostFacts
{
    public uint ProcessId { get; init; } = 1;

    public float CpuUsage { get; init; }

    public float TotalCpuUsage { get; init; }

    public ulong MemoryUsage { get; init; } = 50_000_000;

    public ulong TotalMemory { get; init; } = 16_000_000_000;

    public ulong AvailableMemory { get; init; } = 8_000_000_000;

    /// <summary>When the server's process started; null: when the front end started, on the model's clock.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    public ulong ReadBytes { get; init; }

    public ulong WrittenBytes { get; init; }

    public string Hostname { get; init; } = "iggy-test-server";

    public string OsName { get; init; } = "Linux";

    public string OsVersion { get; init; } = "Linux";

    public string KernelVersion { get; init; } = "6.1.0";

    public uint ThreadsCount { get; init; } = 1;

    public ulong FreeDiskSpace { get; init; } = 100_000_000_000;

    public ulong TotalDiskSpace { get; init; } = 200_000_000_000;
}
