using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace IggyAspire.UnitTests.ServiceDefaults;

public sealed class HealthEndpointsTests
{
    [Fact]
    public async Task Health_and_alive_answer_healthy_when_every_check_passes()
    {
        await using var app = await StartAppAsync(configure: null);
        using var client = app.GetTestClient();

        var health = await client.GetAsync(Extensions.HealthEndpointPath, TestContext.Current.CancellationToken);
        var alive = await client.GetAsync(Extensions.AlivenessEndpointPath, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public async Task A_failing_readiness_check_fails_health_but_not_alive()
    {
        await using var app = await StartAppAsync(services => services.AddHealthChecks()
            .AddCheck("iggy", () => HealthCheckResult.Unhealthy("server unreachable"), ["ready"]));
        using var client = app.GetTestClient();

        var health = await client.GetAsync(Extensions.HealthEndpointPath, TestContext.Current.CancellationToken);
        var alive = await client.GetAsync(Extensions.AlivenessEndpointPath, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    private static async Task<WebApplication> StartAppAsync(Action<IServiceCollection>? configure)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.AddServiceDefaults();
        configure?.Invoke(builder.Services);

        var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }
}
