using System.Net;
using System.Net.Sockets;
using Apache.Iggy.IggyClient;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace IggyAspire.Tests.Client;

public sealed class AddIggyClientTests
{
    [Fact]
    public void The_ping_health_check_is_registered_tagged_ready_unless_disabled()
    {
        using var enabled = Build(new() { ["ConnectionStrings:iggy"] = "iggy://iggy:secret@localhost:8090" });
        using var disabled = Build(new()
        {
            ["ConnectionStrings:iggy"] = "iggy://iggy:secret@localhost:8090",
            ["Aspire:Apache:Iggy:DisableHealthChecks"] = "true",
        });

        var registration = Assert.Single(HealthChecks(enabled));
        Assert.Equal("iggy_iggy", registration.Name);
        Assert.Contains(IggyClientExtensions.HealthCheckTag, registration.Tags);
        Assert.Empty(HealthChecks(disabled));
    }

    [Fact]
    public async Task A_server_that_does_not_answer_fails_startup_within_the_connect_timeout_naming_the_key()
    {
        using var host = Build(new()
        {
            ["ConnectionStrings:iggy"] = $"iggy://iggy:secret@127.0.0.1:{ClosedPort()}",
            ["Aspire:Apache:Iggy:ConnectTimeout"] = "00:00:02",
        });

        var failure = await Assert.ThrowsAsync<TimeoutException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Aspire:Apache:Iggy:ConnectTimeout", failure.Message, StringComparison.Ordinal);
    }

    private static IHost Build(Dictionary<string, string?> configuration)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.AddIggyClient("iggy");
        return builder.Build();
    }

    private static IEnumerable<HealthCheckRegistration> HealthChecks(IHost host) =>
        host.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations;

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
