extern alias ConsumerApp;

using IggyAspire.Client;
using IggyAspire.TestServer.Tcp;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IggyAspire.Tests.TestServer;

/// <summary>
/// The consumer's real host (its Program.cs) and the real Apache.Iggy 0.8.0 client, on a real socket to the test
/// server, when the server answers a ping late or not at all (issue 18). 0.8.0's TCP protocol has no request ids: a
/// health check that cancelled its ping after the request went out left the late answer in the socket, every later
/// call read the answer meant for the call before it, and the consumer stopped for good while /health said Healthy.
/// </summary>
public sealed class SharedConnectionTests : IAsyncDisposable
{
    private readonly IggyTcpServer _server = IggyTcpServer.Start(new IggyTcpServerOptions { Username = "iggy", Password = "secret" });
    private readonly DemoOverTestServer _demo;

    public SharedConnectionTests() => _demo = new DemoOverTestServer(_server);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_consumer_goes_on_consuming_after_a_health_check_whose_ping_was_answered_after_its_bound()
    {
        await using var consumer = await _demo.StartConsumerAsync();
        using var producer = await _demo.PlainClientAsync();
        await _demo.SendAsync(producer, 3);
        await _demo.WaitForStoredOffsetAsync(2);

        _server.Faults.Push(IggyCommandCodes.Ping, IggyFault.AnswerLate(IggyHealthCheck.Timeout + TimeSpan.FromSeconds(1)));
        var late = await CheckHealthAsync(consumer);
        await _demo.SendAsync(producer, 3);

        Assert.Equal((HealthStatus.Unhealthy, $"The Iggy server did not answer a ping within {IggyHealthCheck.Timeout}."), (late.Status, late.Description));
        await _demo.WaitForStoredOffsetAsync(5);
        Assert.Equal(HealthStatus.Healthy, (await CheckHealthAsync(consumer)).Status);
    }

    [Fact]
    public async Task A_connection_that_stops_answering_is_replaced_and_the_consumer_rejoins_and_resumes()
    {
        await using var consumer = await _demo.StartConsumerAsync();
        using var producer = await _demo.PlainClientAsync();
        await _demo.SendAsync(producer, 2);
        await _demo.WaitForStoredOffsetAsync(1);
        var first = _server.ConnectedClientIds.ToHashSet();

        // Half-open: from the next ping on, the connection swallows every request, and the consumer's polls hang behind it.
        _server.Faults.Push(IggyCommandCodes.Ping, IggyFault.NeverAnswer());
        var connection = consumer.Services.GetRequiredService<IggyClientConnection>();
        var checks = new List<HealthReportEntry>();
        var giveUp = DateTime.UtcNow + IggyClientConnection.DeadAfter + DemoOverTestServer.ConsumeWait;
        while (connection.Replacements == 0 && DateTime.UtcNow < giveUp)
        {
            checks.Add(await CheckHealthAsync(consumer));
        }

        await _demo.SendAsync(producer, 2);

        Assert.Equal(1, connection.Replacements);
        Assert.All(checks, check => Assert.Equal(HealthStatus.Unhealthy, check.Status));
        Assert.StartsWith("The Iggy server left a ping unanswered for", checks[^1].Description, StringComparison.Ordinal);
        await _demo.WaitForStoredOffsetAsync(3);
        Assert.Contains(_server.Commands, command => !first.Contains(command.ClientId) && command.Code == IggyCommandCodes.JoinConsumerGroup);
        Assert.Equal(HealthStatus.Healthy, (await CheckHealthAsync(consumer)).Status);
    }

    private static async Task<HealthReportEntry> CheckHealthAsync(WebApplicationFactory<ConsumerApp::Program> consumer)
    {
        var report = await consumer.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);
        return report.Entries["iggy_iggy"];
    }
}
