using IggyAspire.Tests.EntryPoints;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace IggyAspire.Tests.Client;

public sealed class IggyHealthCheckTests
{
    [Fact]
    public async Task A_server_that_answers_ping_is_healthy()
    {
        await using var iggy = new FakeIggyServer("iggy", "secret");
        using var host = await StartAsync(iggy, new FakeTimeProvider());

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Contains(FakeIggyServer.PingCommand, iggy.Commands);
    }

    [Fact]
    public async Task A_server_that_stops_answering_is_unhealthy_once_the_ping_bound_passes()
    {
        await using var iggy = new FakeIggyServer("iggy", "secret", answerPings: false);
        var time = new FakeTimeProvider();
        using var host = await StartAsync(iggy, time);

        var check = host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);
        await WaitForPingAsync(iggy);
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(check.IsCompleted, "The check answered before its bound passed.");
        time.Advance(TimeSpan.FromSeconds(1));
        var report = await check.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        var entry = Assert.Single(report.Entries).Value;
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Equal("The Iggy server did not answer a ping within 00:00:05.", entry.Description);
    }

    private static async Task<IHost> StartAsync(FakeIggyServer iggy, TimeProvider time)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:iggy"] = $"iggy://iggy:secret@127.0.0.1:{iggy.Port}" });
        builder.Services.AddSingleton(time);
        builder.AddIggyClient("iggy");
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return host;
    }

    private static async Task WaitForPingAsync(FakeIggyServer iggy)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!iggy.Commands.Contains(FakeIggyServer.PingCommand))
        {
            await Task.Delay(10, deadline.Token);
        }
    }
}
