using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using IggyAspire.Hosting.Tests;

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
    public async Task Iggy_deletes_clients_that_stop_pinging_and_the_workers_are_told_to_ping()
    {
        await using var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.IggyAspire_AppHost>(TestContext.Current.CancellationToken);

        var iggy = Assert.IsType<IggyResource>(Resource(appHost, "iggy"));

        Assert.Equal("true", (await ResourceEnvironment.ForPublishAsync(iggy))["IGGY_HEARTBEAT_ENABLED"]);
        Assert.EndsWith("?heartbeat_interval=2500ms", iggy.ConnectionStringExpression.ValueExpression, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_producer_gets_the_topic_and_the_consumers_the_group_through_the_iggy_connection()
    {
        await using var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.IggyAspire_AppHost>(TestContext.Current.CancellationToken);

        var producer = await ResourceEnvironment.ForPublishAsync(Resource(appHost, "producer"));
        var consumer = await ResourceEnvironment.ForPublishAsync(Resource(appHost, "consumer"));

        Assert.Equal("{demo-topic.connectionString}", producer["ConnectionStrings__iggy"]);
        Assert.Equal(("demo-stream", "demo-topic"), (producer["IGGY_STREAM"], producer["IGGY_TOPIC"]));
        Assert.DoesNotContain("IGGY_CONSUMERGROUP", producer.Keys);
        Assert.Equal("{demo-consumers.connectionString}", consumer["ConnectionStrings__iggy"]);
        Assert.Equal(("demo-stream", "demo-topic", "demo-consumers"), (consumer["IGGY_STREAM"], consumer["IGGY_TOPIC"], consumer["IGGY_CONSUMERGROUP"]));
    }

    [Fact]
    public async Task The_AppHost_declares_the_topology_under_iggy()
    {
        await using var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.IggyAspire_AppHost>(TestContext.Current.CancellationToken);

        var topic = Assert.IsType<IggyTopicResource>(Resource(appHost, "demo-topic"));
        var group = Assert.IsType<IggyConsumerGroupResource>(Resource(appHost, "demo-consumers"));
        Assert.Equal(("demo-stream", "demo-topic", 3), (topic.Parent.StreamName, topic.TopicName, topic.Partitions));
        Assert.Same(Resource(appHost, "iggy"), topic.Parent.Parent);
        Assert.Equal(("demo-consumers", topic), (group.ConsumerGroupName, group.Parent));
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
    public async Task Each_worker_waits_for_its_part_of_the_topology_and_reports_its_own_health()
    {
        await using var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.IggyAspire_AppHost>(TestContext.Current.CancellationToken);

        // WaitFor on a child also waits for its ancestors (Aspire 13.6).
        foreach (var (worker, awaited) in new[] { ("producer", new[] { "demo-stream", "demo-topic", "iggy" }), ("consumer", ["demo-consumers", "demo-stream", "demo-topic", "iggy"]) })
        {
            var resource = Resource(appHost, worker);
            var waits = resource.Annotations.OfType<WaitAnnotation>().ToList();
            Assert.Equal(awaited, waits.Select(wait => wait.Resource.Name).Order(StringComparer.Ordinal).ToArray());
            Assert.All(waits, wait => Assert.Equal(WaitType.WaitUntilHealthy, wait.WaitType));
            var check = Assert.Single(resource.Annotations.OfType<HealthCheckAnnotation>());
            Assert.Equal($"{worker}_http_/health_200_check", check.Key);
        }
    }

    [Fact]
    public async Task Two_consumers_share_the_partitions_and_one_producer_feeds_them()
    {
        await using var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.IggyAspire_AppHost>(TestContext.Current.CancellationToken);

        Assert.Equal(2, Resource(appHost, "consumer").GetReplicaCount());
        Assert.Equal(1, Resource(appHost, "producer").GetReplicaCount());
    }

    private static IResource Resource(IDistributedApplicationTestingBuilder appHost, string name) =>
        Assert.Single(appHost.Resources, r => r.Name == name);
}
