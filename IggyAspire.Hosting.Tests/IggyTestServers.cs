using IggyAspire.TestServer.Http;
using IggyAspire.TestServer.Model;
using Microsoft.Extensions.Time.Testing;

namespace IggyAspire.Hosting.Tests;

/// <summary>
/// The test server's HTTP front end (IggyAspire.TestServer, answering as Iggy server 0.8.0's HTTP API does) for the
/// hosting tests, its model's root user <c>iggy</c>, and the setups the tests need on its model.
/// </summary>
internal static class IggyTestServers
{
    public const string Stream = "demo-stream";
    public const string Topic = "demo-topic";
    public const string Group = "demo-consumers";

    public static Task<IggyHttpServer> StartAsync(string password = "secret", TimeProvider? clock = null, IggyHostFacts? host = null) =>
        IggyHttpServer.StartAsync(
            new SimulatedIggyServer(clock ?? TimeProvider.System, "iggy", password),
            new IggyHttpServerOptions { Host = host ?? new IggyHostFacts() },
            ownsModel: true,
            TestContext.Current.CancellationToken);

    /// <summary>
    /// A server whose <c>GET /stats</c> answers the figures the stats tests show: 1 stream, 1 topic of 3 partitions (3
    /// segments), 1 group, 2 connected clients, 42 messages of 100 bytes each as the server counts them (64-byte header
    /// and a 36-byte payload: 4.2 KB), and the host's figures; started 2026-01-01 and up for 1 h 2 min 3 s on its clock.
    /// </summary>
    public static async Task<IggyHttpServer> StartWithStatsAsync()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 1, 2, 3, TimeSpan.Zero));
        var server = await StartAsync(clock: clock, host: new IggyHostFacts
        {
            ProcessId = 7,
            CpuUsage = 1.5f,
            TotalCpuUsage = 12.5f,
            MemoryUsage = 52_400_000,
            TotalMemory = 16_000_000_000,
            AvailableMemory = 8_000_000_000,
            StartedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
            ReadBytes = 1_200,
            WrittenBytes = 3_400,
            Hostname = "iggy-host",
            OsName = "Linux",
            OsVersion = "Debian 12",
            KernelVersion = "6.6",
            ThreadsCount = 9,
            FreeDiskSpace = 100_000_000_000,
            TotalDiskSpace = 200_000_000_000,
        });
        server.AddTopic(Stream, Topic, 3, Group);
        server.Change(model =>
        {
            model.Connect();
            model.Connect();
            for (var i = 0; i < 42; i++)
            {
                model.AppendStateless(Stream, Topic, [new AppendedMessage(0, new byte[36], [], 0)], "test", partitionId: null);
            }
        });
        return server;
    }

    /// <summary>Creates the stream (unless it is there), the topic and its groups on the model, as an earlier run would have left them.</summary>
    public static void AddTopic(this IggyHttpServer server, string stream, string topic, int partitions, params string[] groups) =>
        server.Change(model =>
        {
            if (model.ResolveStream(IggyId.Named(stream)) is null)
            {
                model.CreateStream(stream);
            }

            model.CreateTopic(stream, topic, (uint)partitions);
            foreach (var group in groups)
            {
                model.CreateConsumerGroup(stream, topic, group);
            }
        });

    public static int PartitionsOf(this IggyHttpServer server, string stream, string topic) =>
        server.Inspect(model => model.GetTopic(stream, topic)?.Partitions.Count ?? -1);

    public static IReadOnlyList<string> GroupsOf(this IggyHttpServer server, string stream, string topic) =>
        server.Inspect(model => model.GetTopic(stream, topic) is null ? [] : model.Inspect(stream, topic).Groups.Keys.ToArray());

    public static int MessagesOf(this IggyHttpServer server, string stream, string topic) =>
        server.Inspect(model => model.Inspect(stream, topic).Partitions.Sum(partition => partition.Log.Count));

    /// <summary>The <c>Authorization</c> header of a call made with the token the server answered the latest login with.</summary>
    public static string LatestBearer(this IggyHttpServer server) => $"Bearer {server.IssuedTokens[^1]}";
}
