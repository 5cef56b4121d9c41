using System.Net.Sockets;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace IggyAspire.Hosting.Tests;

public sealed class IggyServerTelemetryTests
{
    // Aspire's own names for the dashboard resource and its OTLP endpoints.
    private const string DashboardName = "aspire-dashboard";

    [Theory]
    [InlineData("otlp-grpc", "grpc", "http://host.docker.internal:18889", "http://host.docker.internal:18889")]
    [InlineData("otlp-http", "http", "http://host.docker.internal:18889/v1/logs", "http://host.docker.internal:18889/v1/traces")]
    public async Task The_servers_exporter_sends_to_the_dashboard_as_the_container_reaches_it(
        string dashboardEndpoint, string transport, string logsEndpoint, string tracesEndpoint)
    {
        var builder = AppModelBuilder.Create();
        var dashboard = builder.AddResource(new ContainerResource(DashboardName));
        var otlp = new EndpointAnnotation(ProtocolType.Tcp, name: dashboardEndpoint, uriScheme: "http", port: 18889, isProxied: true);
        dashboard.WithAnnotation(otlp);
        var iggy = builder.AddIggy("iggy").WithServerTelemetry().Resource;
        using var app = builder.Build();

        // What the orchestrator allocates: the dashboard on the host, and the address containers use to reach it.
        otlp.AllocatedEndpoint = new AllocatedEndpoint(otlp, "localhost", 18889);
        otlp.AllAllocatedEndpoints.AddOrUpdateAllocatedEndpoint(
            KnownNetworkIdentifiers.DefaultAspireContainerNetwork,
            new AllocatedEndpoint(otlp, "host.docker.internal", 18889, EndpointBindingMode.SingleAddress, networkId: KnownNetworkIdentifiers.DefaultAspireContainerNetwork));
        var environment = await ResourceEnvironment.EvaluateAsync(iggy, app.Services.GetRequiredService<DistributedApplicationExecutionContext>());

        Assert.Equal(("true", "iggy"), (environment["IGGY_TELEMETRY_ENABLED"], environment["IGGY_TELEMETRY_SERVICE_NAME"]));
        Assert.Equal((transport, transport), (environment["IGGY_TELEMETRY_LOGS_TRANSPORT"], environment["IGGY_TELEMETRY_TRACES_TRANSPORT"]));
        Assert.Equal((logsEndpoint, tracesEndpoint), (environment["IGGY_TELEMETRY_LOGS_ENDPOINT"], environment["IGGY_TELEMETRY_TRACES_ENDPOINT"]));
    }

    [Fact]
    public async Task Publishing_leaves_the_servers_exporter_off()
    {
        var builder = AppModelBuilder.Create();
        var iggy = builder.AddIggy("iggy").WithServerTelemetry().Resource;

        var environment = await ResourceEnvironment.ForPublishAsync(iggy);

        Assert.DoesNotContain(environment.Keys, key => key.StartsWith("IGGY_TELEMETRY_", StringComparison.Ordinal));
    }
}
