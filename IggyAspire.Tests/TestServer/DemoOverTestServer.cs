extern alias ConsumerApp;
extern alias ProducerApp;

using System.Collections.Concurrent;
using System.Globalization;
using Apache.Iggy;
using Apache.Iggy.Configuration;
using Apache.Iggy.Enums;
using Apache.Iggy.Factory;
using Apache.Iggy.IggyClient;
using Apache.Iggy.Messages;
using IggyAspire.Messaging;
using ProducerApp::IggyAspire.Producer;
using IggyAspire.TestServer.Model;
using IggyAspire.TestServer.Tcp;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Partitioning = Apache.Iggy.Kinds.Partitioning;

namespace IggyAspire.Tests.TestServer;

/// <summary>
/// The demo's topology on an <see cref="IggyTcpServer"/>: the workers' real hosts started against it, a plain SDK
/// client sending demo messages, and bounded waits on the model that fail naming what they saw.
/// </summary>
internal sealed class DemoOverTestServer(IggyTcpServer server)
{
    public const string Stream = "demo-stream";
    public const string Topic = "demo-topic";
    public const string Group = "demo-consumers";
    public static readonly TimeSpan ConsumeWait = TimeSpan.FromSeconds(30);

    private static readonly IggyJsonMessageSerializer<DemoMessage> Serializer = new(DemoMessageJsonContext.Default.DemoMessage);

    private long _nextId = 1;

    /// <summary>What follows the connection string's address, e.g. <c>?heartbeat_interval=1000ms</c> as WithHeartbeat writes it.</summary>
    public string ConnectionOptions { get; init; } = "";

    /// <summary>
    /// The consumer's host, polling every 100 ms, once it has created the topology (its worker does so after the host
    /// started, and a send before that finds no topic); <paramref name="logs"/> also receives its logs.
    /// </summary>
    public async Task<WebApplicationFactory<ConsumerApp::Program>> StartConsumerAsync(ILoggerProvider? logs = null, params (string Key, string Value)[] settings)
    {
        var consumer = Start(new WebApplicationFactory<ConsumerApp::Program>(), logs, [("Aspire:Apache:Iggy:Consumer:PollInterval", "00:00:00.100"), .. settings]);
        await WaitUntilAsync(() => server.Inspect(model => model.ResolveGroup(Stream, Topic, IggyId.Named(Group))) is not null, "the consumer to create its stream, topic and group");
        return consumer;
    }

    /// <summary>The producer's host, sending <paramref name="batchSize"/> messages every 100 ms.</summary>
    public WebApplicationFactory<ProducerApp::Program> StartProducer(int batchSize) =>
        Start(new WebApplicationFactory<ProducerApp::Program>(), logs: null, ("Demo:Producer:Interval", "00:00:00.100"), ("Demo:Producer:BatchSize", batchSize.ToString(CultureInfo.InvariantCulture)));

    /// <summary>A plain SDK client, connected and logged in.</summary>
    public async Task<IIggyClient> PlainClientAsync()
    {
        var client = IggyClientFactory.CreateClient(new IggyClientConfigurator { BaseAddress = server.Address, Protocol = Protocol.Tcp });
        await client.ConnectAsync(TestContext.Current.CancellationToken);
        await client.LoginUserAsync("iggy", "secret", TestContext.Current.CancellationToken);
        return client;
    }

    /// <summary>Sends the next <paramref name="count"/> demo ids, 1 first.</summary>
    public async Task SendAsync(IIggyClient producer, int count)
    {
        var messages = Enumerable.Range(0, count)
            .Select(_ => _nextId++)
            .Select(id => new Message(Guid.NewGuid(), Serializer.Serialize(new DemoMessage(id, "hello", DateTimeOffset.UtcNow))))
            .ToList();
        await producer.SendMessagesAsync(Identifier.String(Stream), Identifier.String(Topic), Partitioning.None(), messages, TestContext.Current.CancellationToken);
    }

    /// <summary>The group's stored offset on partition 0, if any.</summary>
    public ulong? StoredOffset() => server.Inspect(model =>
        Partition0(model) is { } partition && partition.StoredOffsets.TryGetValue(Group, out var value) ? value : (ulong?)null);

    /// <summary>The payloads' demo ids in partition 0's log, in offset order (an undecodable payload is -1).</summary>
    public IReadOnlyList<long> LoggedIds() => server.Inspect(model =>
        Partition0(model)?.Log.Select(message => IdOf(message.Payload)).ToArray() ?? []);

    private static long IdOf(byte[] payload)
    {
        try
        {
            return Serializer.Deserialize(payload).Id;
        }
        catch (System.Text.Json.JsonException)
        {
            return -1;
        }
    }

    /// <summary>The client ids that sent <paramref name="code"/>, in the order of their first such request.</summary>
    public IReadOnlyList<long> ClientsThatSent(int code) =>
        server.Commands.Where(command => command.Code == code).Select(command => command.ClientId).Distinct().ToArray();

    public Task WaitForStoredOffsetAsync(ulong offset) =>
        WaitUntilAsync(() => StoredOffset() >= offset, $"the consumer group's stored offset to reach {offset}: the consumer stopped consuming");

    /// <summary>Waits up to <see cref="ConsumeWait"/> for <paramref name="done"/>, then fails naming the stored offset and the last commands.</summary>
    public async Task WaitUntilAsync(Func<bool> done, string what)
    {
        var deadline = DateTime.UtcNow + ConsumeWait;
        while (DateTime.UtcNow < deadline)
        {
            if (done())
            {
                return;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"Waited {ConsumeWait} for {what}. {Seen()}");
    }

    /// <summary>The stored offset, the log's length and the server's last commands, for a failure message.</summary>
    public string Seen()
    {
        var stored = StoredOffset()?.ToString(CultureInfo.InvariantCulture) ?? "none";
        var length = server.Inspect(model => Partition0(model)?.Log.Count ?? 0);
        var lastCommands = string.Join(", ", server.Commands.TakeLast(20).Select(command => $"client {command.ClientId}: {command.Code}{(command.Fault is null ? "" : $" ({command.Fault})")}"));
        return $"Stored offset {stored}, {length} message(s) in partition 0. The server's last commands: {lastCommands}.";
    }

    private static SimulatedPartition? Partition0(SimulatedIggyServer model) =>
        model.ResolveTopic(Stream, IggyId.Named(Topic)) is null ? null : model.Inspect(Stream, Topic).Partitions[0];

    private WebApplicationFactory<T> Start<T>(WebApplicationFactory<T> host, ILoggerProvider? logs, params (string Key, string Value)[] settings)
        where T : class
    {
        var factory = host.WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:iggy", $"iggy://iggy:secret@{server.Address}{ConnectionOptions}");
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }

            if (logs is not null)
            {
                web.ConfigureServices(services => services.AddSingleton(logs));
            }
        });
        _ = factory.Services;
        return factory;
    }
}

/// <summary>Keeps every log entry's message template and structured values, from every category.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => _entries.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    internal sealed record LogEntry(string Category, string Template, IReadOnlyDictionary<string, object?> Values, string Message);

    private sealed class Logger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state as IEnumerable<KeyValuePair<string, object?>> ?? [];
            var map = values.ToDictionary(pair => pair.Key, pair => pair.Value);
            var template = map.GetValueOrDefault("{OriginalFormat}") as string ?? "";
            entries.Enqueue(new LogEntry(category, template, map, formatter(state, exception)));
        }
    }
}
