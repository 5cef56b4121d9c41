using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using IggyAspire.Hosting.Tests;
using Microsoft.Extensions.Configuration;

namespace IggyAspire.Tests.AppModel;

/// <summary>The application model AppHost.cs declares; nothing is started.</summary>
public sealed class AppHostTests
{
    private static readonly string[] Workers = ["producer", "consumer"];

    [Fact]
    public async Task Iggy_keeps_its_data_in_a_volume_and_serves_the_web_UI()
    {
        await using var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.IggyAspire_AppHost>(TestContext.Current.CancellationToken);

        var iggy = Assert.IsType<IggyResource>(Resource(appHost, "iggy"));

        var volume = Assert.Single(iggy.Annotations.OfType<ContainerMountAnnotation>());
        Assert.Equal((ContainerMountType.Volume, "/app/local_data"), (volume.Type, volume.Target));
        Assert.Equal("true", (await ResourceEnvironment.ForPublishAsync(iggy))["IGGY_HTTP_WEB_UI"]);
    }

    [Fact]
    public async Task Both_workers_find_iggy_through_its_connection_string()
    {
        await using var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.IggyAspire_AppHost>(TestContext.Current.CancellationToken);

        foreach (var worker in Workers)
        {
            var environment = await ResourceEnvironment.ForPublishAsync(Resource(appHost, worker));

            Assert.Equal("{iggy.connectionString}", environment["ConnectionStrings__iggy"]);
        }
    }

    [Fact]
    public async Task Given_a_connection_string_the_workers_use_that_server_and_no_container_is_started()
    {
        const string existing = "iggy://ops:s3cret@iggy.example.internal:8090";
        await using var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.IggyAspire_AppHost>(
            [$"--ConnectionStrings:iggy={existing}"], TestContext.Current.CancellationToken);

        Assert.DoesNotContain(appHost.Resources, resource => resource is ContainerResource);
        // Its value resolves when the app starts (WorkersWithoutAServerTests sees it reach the workers); here, its source.
        var iggy = Assert.IsAssignableFrom<ParameterResource>(Resource(appHost, "iggy"));
        Assert.IsAssignableFrom<IResourceWithConnectionString>(iggy);
        Assert.True(iggy.Secret, "The connection string holds a password: the dashboard must mask it.");
        foreach (var worker in Workers.Select(name => Resource(appHost, name)))
        {
            Assert.Equal(iggy, Assert.Single(worker.Annotations.OfType<WaitAnnotation>()).Resource);
            var environment = await ResourceEnvironment.ForPublishAsync(worker);
            Assert.Equal("{iggy.connectionString}", environment["ConnectionStrings__iggy"]);
        }
    }

    [Fact]
    public async Task Both_workers_wait_for_iggy_to_be_healthy_and_report_their_own_health()
    {
        await using var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.IggyAspire_AppHost>(TestContext.Current.CancellationToken);
        var iggy = Resource(appHost, "iggy");

        foreach (var worker in Workers.Select(name => Resource(appHost, name)))
        {
            var wait = Assert.Single(worker.Annotations.OfType<WaitAnnotation>());
            Assert.Equal((iggy, WaitType.WaitUntilHealthy), (wait.Resource, wait.WaitType));
            var check = Assert.Single(worker.Annotations.OfType<HealthCheckAnnotation>());
            Assert.Equal($"{worker.Name}_http_/health_200_check", check.Key);
        }
    }

    [Fact]
    public async Task Two_consumers_share_the_partitions_and_one_producer_feeds_them()
    {
        await using var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.IggyAspire_AppHost>(TestContext.Current.CancellationToken);

        Assert.Equal(2, Resource(appHost, "consumer").GetReplicaCount());
        Assert.Equal(1, Resource(appHost, "producer").GetReplicaCount());
    }

    [Fact]
    public async Task Both_workers_get_the_topology_from_the_AppHost_configuration()
    {
        await using var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.IggyAspire_AppHost>(TestContext.Current.CancellationToken);
        var topology = appHost.Configuration.GetSection("Iggy:Topology").GetChildren().ToDictionary(s => $"Iggy__Topology__{s.Key}", s => s.Value);
        Assert.Equal(["Iggy__Topology__ConsumerGroup", "Iggy__Topology__Partitions", "Iggy__Topology__Stream", "Iggy__Topology__Topic"], topology.Keys.Order());

        foreach (var worker in Workers)
        {
            var environment = await ResourceEnvironment.ForPublishAsync(Resource(appHost, worker));

            Assert.Equal(topology, environment.Where(e => e.Key.StartsWith("Iggy__Topology__", StringComparison.Ordinal)).ToDictionary(e => e.Key, e => (string?)e.Value));
        }
    }

    private static IResource Resource(IDistributedApplicationTestingBuilder appHost, string name) =>
        Assert.Single(appHost.Resources, r => r.Name == name);
}
