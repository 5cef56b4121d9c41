extern alias ConsumerApp;

using Apache.Iggy;
using Apache.Iggy.Configuration;
using Apache.Iggy.Enums;
using Apache.Iggy.Factory;
using Apache.Iggy.IggyClient;
using Apache.Iggy.Messages;
using IggyAspire.Client;
using IggyAspire.Messaging.Contract;
using IggyAspire.TestServer.Tcp;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Partitioning = Apache.Iggy.Kinds.Partitioning;

namespace IggyAspire.Tests.TestServer;

/// <summary>
/// The consumer's real host (its Program.cs) and the real Apache.Iggy 0.8.0 client, on a real socket to the test
/// server, when the server answers a ping late or not at all (issue 18). 0.8.0's TCP protocol has no request ids: a
/// health check that cancelled its ping after the request went out left the late answer in the socket, every later
/// call read the answer meant for the call before it, and the consumer stopped for good while /health said Healthy.
/// </summary>
public sealed class SharedConnectionTests : IAsyncDisposable
{
    private const string Stream = "demo-stream";
    private const string Topic = "demo-topic";
    private const string Group = "demo-consumers";
    private static readonly TimeSpan ConsumeWait = TimeSpan.FromSeconds(30);

    private readonly IggyTcpServer _server = IggyTcpServer.Start(new IggyTcpServerOptions { Username = "iggy", Password = "secret" });
    private long _nextId = 1;

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_consumer_goes_on_consuming_after_a_health_check_whose_ping_was_answered_after_its_bound()
    {
        await using var consumer = StartConsumer();
        using var producer = await ProducerAsync();
        await SendAsync(producer, 3);
        await WaitForStoredOffsetAsync(2);

        _server.Faults.Push(IggyCommandCodes.Ping, IggyFault.AnswerLate(IggyHealthCheck.Timeout + TimeSpan.FromSeconds(1)));
        var late = await CheckHealthAsync(consumer);
        await SendAsync(producer, 3);

        Assert.Equal((HealthStatus.Unhealthy, $"The Iggy server did not answer a ping within {IggyHealthCheck.Timeout}."), (late.Status, late.Description));
        await WaitForStoredOffsetAsync(5);
        Assert.Equal(HealthStatus.Healthy, (await CheckHealthAsync(consumer)).Status);
    }

    [Fact]
    public async Task A_connection_that_stops_answering_is_replaced_and_the_consumer_rejoins_and_resumes()
    {
        await using var consumer = StartConsumer();
        using var producer = await ProducerAsync();
        await SendAsync(producer, 2);
        await WaitForStoredOffsetAsync(1);
        var first = _server.ConnectedClientIds.ToHashSet();

        // Half-open: from the next ping on, the connection swallows every request, and the consumer's polls hang behind it.
        _server.Faults.Push(IggyCommandCodes.Ping, IggyFault.NeverAnswer());
        var connection = consumer.Services.GetRequiredService<IggyClientConnection>();
        var checks = new List<HealthReportEntry>();
        var giveUp = DateTime.UtcNow + IggyClientConnection.DeadAfter + ConsumeWait;
        while (connection.Replacements == 0 && DateTime.UtcNow < giveUp)
        {
            checks.Add(await CheckHealthAsync(consumer));
        }

        await SendAsync(producer, 2);

        Assert.Equal(1, connection.Replacements);
        Assert.All(checks, check => Assert.Equal(HealthStatus.Unhealthy, check.Status));
        Assert.StartsWith("The Iggy server left a ping unanswered for", checks[^1].Description, StringComparison.Ordinal);
        await WaitForStoredOffsetAsync(3);
        Assert.Contains(_server.Commands, command => !first.Contains(command.ClientId) && command.Code == IggyCommandCodes.JoinConsumerGroup);
        Assert.Equal(HealthStatus.Healthy, (await CheckHealthAsync(consumer)).Status);
    }

    private WebApplicationFactory<ConsumerApp::Program> StartConsumer()
    {
        var factory = new WebApplicationFactory<ConsumerApp::Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:iggy", $"iggy://iggy:secret@{_server.Address}");
            web.UseSetting("Iggy:Consumer:PollInterval", "00:00:00.100");
        });
        _ = factory.Services;
        return factory;
    }

    private async Task<IIggyClient> ProducerAsync()
    {
        var client = IggyClientFactory.CreateClient(new IggyClientConfigurator { BaseAddress = _server.Address, Protocol = Protocol.Tcp });
        await client.ConnectAsync(TestContext.Current.CancellationToken);
        await client.LoginUserAsync("iggy", "secret", TestContext.Current.CancellationToken);
        return client;
    }

    private async Task SendAsync(IIggyClient producer, int count)
    {
        var messages = Enumerable.Range(0, count)
            .Select(_ => _nextId++)
            .Select(id => new Message(Guid.NewGuid(), DemoMessageSerializer.Serialize(new DemoMessage(id, "hello", DateTimeOffset.UtcNow))))
            .ToList();
        await producer.SendMessagesAsync(Identifier.String(Stream), Identifier.String(Topic), Partitioning.None(), messages, TestContext.Current.CancellationToken);
    }

    private static async Task<HealthReportEntry> CheckHealthAsync(WebApplicationFactory<ConsumerApp::Program> consumer)
    {
        var report = await consumer.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);
        return report.Entries["iggy_iggy"];
    }

    private async Task WaitForStoredOffsetAsync(ulong offset)
    {
        var deadline = DateTime.UtcNow + ConsumeWait;
        ulong? stored = null;
        while (DateTime.UtcNow < deadline)
        {
            stored = _server.Inspect(model =>
                model.Inspect(Stream, Topic).Partitions[0].StoredOffsets.TryGetValue(Group, out var value) ? value : (ulong?)null);
            if (stored >= offset)
            {
                return;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        var lastCommands = string.Join(", ", _server.Commands.TakeLast(20).Select(command => $"client {command.ClientId}: {command.Code}{(command.Fault is null ? "" : $" ({command.Fault})")}"));
        Assert.Fail($"The consumer group's stored offset is {stored?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} after {ConsumeWait}, not {offset}: the consumer stopped consuming. The server's last commands: {lastCommands}.");
    }
}
