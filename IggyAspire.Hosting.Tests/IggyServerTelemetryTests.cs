using System.Net.Sockets;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace IggyAspire.Hosting.Tests;

public sealed class IggyServerTelemetryTests
{
    // Aspire's own names for the dashboard resource and its OTLP endpoints.
    private const string DashboardName = "aspire-dashboard";

    [Fact]
    public async Task The_servers_exporter_sends_over_http_to_the_dashboard_as_the_container_reaches_it()
    {
        var builder = AppModelBuilder.Create();
        var (grpc, http) = (Otlp("otlp-grpc", 18889), Otlp("otlp-http", 18890));
        builder.AddResource(new ContainerResource(DashboardName)).WithAnnotation(grpc).WithAnnotation(http);
        var iggy = builder.AddIggy("iggy").WithServerTelemetry().Resource;
        using var app = builder.Build();
        Allocate(grpc);
        Allocate(http);

        var environment = await ResourceEnvironment.EvaluateAsync(iggy, app.Services.GetRequiredService<DistributedApplicationExecutionContext>());

        // Never grpc, even though the dashboard offers it and Aspire prefers it: it would crash server 0.8.0.
        Assert.Equal(("true", "iggy"), (environment["IGGY_TELEMETRY_ENABLED"], environment["IGGY_TELEMETRY_SERVICE_NAME"]));
        Assert.Equal(("http", "http"), (environment["IGGY_TELEMETRY_LOGS_TRANSPORT"], environment["IGGY_TELEMETRY_TRACES_TRANSPORT"]));
        Assert.Equal(
            ("http://host.docker.internal:18890/v1/logs", "http://host.docker.internal:18890/v1/traces"),
            (environment["IGGY_TELEMETRY_LOGS_ENDPOINT"], environment["IGGY_TELEMETRY_TRACES_ENDPOINT"]));
    }

    [Fact]
    public async Task A_dashboard_with_grpc_only_leaves_the_servers_exporter_off()
    {
        var builder = AppModelBuilder.Create();
        var grpc = Otlp("otlp-grpc", 18889);
        builder.AddResource(new ContainerResource(DashboardName)).WithAnnotation(grpc);
        var iggy = builder.AddIggy("iggy").WithServerTelemetry().Resource;
        using var app = builder.Build();
        Allocate(grpc);

        var environment = await ResourceEnvironment.EvaluateAsync(iggy, app.Services.GetRequiredService<DistributedApplicationExecutionContext>());

        Assert.DoesNotContain(environment.Keys, key => key.StartsWith("IGGY_TELEMETRY_", StringComparison.Ordinal));
    }

    private static EndpointAnnotation Otlp(string name, int port) =>
        new(ProtocolType.Tcp, name: name, uriScheme: "http", port: port, isProxied: true);

    // What the orchestrator allocates: the dashboard on the host, and the address containers use to reach it.
    private static void Allocate(EndpointAnnotation otlp)
    {
        otlp.AllocatedEndpoint = new AllocatedEndpoint(otlp, "localhost", otlp.Port!.Value);
        otlp.AllAllocatedEndpoints.AddOrUpdateAllocatedEndpoint(
            KnownNetworkIdentifiers.DefaultAspireContainerNetwork,
            new AllocatedEndpoint(otlp, "host.docker.internal", otlp.Port!.Value, EndpointBindingMode.SingleAddress, networkId: KnownNetworkIdentifiers.DefaultAspireContainerNetwork));
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
