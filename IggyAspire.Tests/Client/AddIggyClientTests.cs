extern alias ProducerApp;

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

    [Fact]
    public void The_clients_disable_switches_hold_when_a_producer_was_registered_before_it()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:iggy"] = "iggy://iggy:secret@localhost:8090",
            ["Aspire:Apache:Iggy:DisableTracing"] = "true",
            ["Aspire:Apache:Iggy:Producer:Stream"] = "s",
            ["Aspire:Apache:Iggy:Producer:Topic"] = "t",
        });
        builder.AddIggyProducer("iggy", ProducerApp::IggyAspire.Producer.DemoMessageJsonContext.Default.DemoMessage);
        builder.AddIggyClient("iggy");
        using var host = builder.Build();

        var switches = host.Services.GetRequiredService<IggyAspire.Messaging.Telemetry.MessagingInstrumentationOptions>();

        Assert.Equal((false, true), (switches.EnableTracing, switches.EnableMetrics));
    }

    [Fact]
    public void A_keyed_client_has_a_keyed_connection_transport_and_health_check_and_starts_beside_the_default_one()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:iggy"] = "iggy://iggy:secret@localhost:8090",
            ["ConnectionStrings:other"] = "iggy://iggy:secret@localhost:8091",
        });
        builder.AddIggyClient("iggy");
        builder.AddKeyedIggyClient("other");
        using var host = builder.Build();

        var connection = host.Services.GetRequiredService<IggyAspire.Client.IggyClientConnection>();
        var other = host.Services.GetRequiredKeyedService<IggyAspire.Client.IggyClientConnection>("other");
        Assert.NotSame(connection, other);
        Assert.NotSame(host.Services.GetRequiredService<IggyAspire.Messaging.Transport.IIggyTransport>(), host.Services.GetRequiredKeyedService<IggyAspire.Messaging.Transport.IIggyTransport>("other"));
        var started = host.Services.GetServices<IHostedService>().OfType<IggyAspire.Client.IggyClientConnection>().ToList();
        Assert.Equal(2, started.Count);
        Assert.Contains(other, started);
        Assert.Equal(["iggy_iggy", "iggy_other"], HealthChecks(host).Select(check => check.Name));
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
