using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace IggyAspire.Hosting.Tests;

public sealed class IggyTestServerResourceTests
{
    [Fact]
    public void It_is_the_given_project_and_the_dashboard_shows_it_as_the_test_server_not_Iggy()
    {
        var builder = AppModelBuilder.Create();

        var server = builder.AddIggyTestServer<TestServerHostProject>("iggy").Resource;

        Assert.Equal(TestServerHostProject.Path, server.GetProjectMetadata().ProjectPath);
        var snapshot = Assert.Single(server.Annotations.OfType<ResourceSnapshotAnnotation>()).InitialSnapshot;
        Assert.Equal("IggyTestServer", snapshot.ResourceType);
        Assert.Equal(
            [
                ("iggy.server", "the IggyAspire test server, not Iggy: an in-memory model of Iggy server 0.8.0"),
                ("iggy.keeps", "nothing: a restart starts empty"),
                ("iggy.not_modelled", "segments, retention, persistence, clustering, the web UI, /metrics"),
            ],
            snapshot.Properties.Select(p => (p.Name, (string?)p.Value)));
        Assert.Equal("Beaker", Assert.Single(server.Annotations.OfType<ResourceIconAnnotation>()).IconName);
    }

    [Fact]
    public async Task Its_endpoint_links_say_test_server_not_Iggy()
    {
        var builder = AppModelBuilder.Create();
        var server = builder.AddIggyTestServer<TestServerHostProject>("iggy").Resource;
        var urls = new List<ResourceUrlAnnotation>
        {
            new() { Url = "tcp://localhost:1", Endpoint = server.TcpEndpoint },
            new() { Url = "http://localhost:2", Endpoint = server.HttpEndpoint },
        };

        var context = new ResourceUrlsCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run), server, urls, TestContext.Current.CancellationToken);
        foreach (var callback in server.Annotations.OfType<ResourceUrlsCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        Assert.Equal(["tcp (test server, not Iggy)", "http (test server, not Iggy)"], urls.Select(url => url.DisplayText));
    }

    [Fact]
    public async Task It_listens_on_loopback_at_its_endpoints_with_the_root_user_iggy_and_a_generated_secret_password()
    {
        var builder = AppModelBuilder.Create();
        var server = builder.AddIggyTestServer<TestServerHostProject>("iggy").Resource;
        Allocate(server, "tcp", 41234, targetPort: 51234);
        Allocate(server, "http", 43000, targetPort: 53000);

        var environment = await ResourceEnvironment.ForRunAsync(server);

        Assert.Equal(("127.0.0.1:51234", "127.0.0.1:53000"), (environment["IGGY_TCP_ADDRESS"], environment["IGGY_HTTP_ADDRESS"]));
        Assert.Equal("iggy", environment["IGGY_ROOT_USERNAME"]);
        Assert.Equal(("iggy-password", true), (server.PasswordParameter.Name, server.PasswordParameter.Secret));
        Assert.Equal(await server.PasswordParameter.GetValueAsync(TestContext.Current.CancellationToken), environment["IGGY_ROOT_PASSWORD"]);
    }

    [Fact]
    public async Task Its_connection_string_and_properties_are_the_containers_on_its_own_endpoints()
    {
        var builder = AppModelBuilder.Create();
        builder.Configuration["Parameters:iggy-user"] = "ops";
        builder.Configuration["Parameters:iggy-secret"] = "p@ss";
        var server = builder.AddIggyTestServer<TestServerHostProject>("iggy", builder.AddParameter("iggy-user"), builder.AddParameter("iggy-secret", secret: true)).Resource;
        Allocate(server, "tcp", 41234, targetPort: 51234);
        Allocate(server, "http", 43000, targetPort: 53000);

        var properties = new Dictionary<string, string?>();
        foreach (var (key, value) in ((IResourceWithConnectionString)server).GetConnectionProperties())
        {
            properties[key] = await value.GetValueAsync(TestContext.Current.CancellationToken);
        }

        Assert.Equal("iggy://ops:p%40ss@localhost:41234", await server.ConnectionStringExpression.GetValueAsync(TestContext.Current.CancellationToken));
        Assert.Equal(
            new Dictionary<string, string?>
            {
                ["Host"] = "localhost",
                ["Port"] = "41234",
                ["Username"] = "ops",
                ["Password"] = "p@ss",
                ["Uri"] = "iggy://ops:p%40ss@localhost:41234",
                ["HttpUri"] = "http://localhost:43000",
            },
            properties);
    }

    [Fact]
    public void Health_is_its_ping_on_the_http_endpoint()
    {
        var builder = AppModelBuilder.Create();

        var server = builder.AddIggyTestServer<TestServerHostProject>("iggy").Resource;

        Assert.Equal("iggy_http_/ping_200_check", Assert.Single(server.Annotations.OfType<HealthCheckAnnotation>()).Key);
    }

    [Fact]
    public async Task A_worker_that_references_it_gets_its_connection_string_and_service_discovery_endpoints()
    {
        var builder = AppModelBuilder.Create();
        builder.Configuration["Parameters:iggy-password"] = "secret";
        var server = builder.AddIggyTestServer<TestServerHostProject>("iggy");
        // An executable, as the demo's workers are processes: a container would see the server at another address.
        var worker = builder.AddExecutable("worker", "worker", ".").WithReference(server);
        Allocate(server.Resource, "tcp", 41234, targetPort: 51234);
        Allocate(server.Resource, "http", 43000, targetPort: 53000);

        var environment = await ResourceEnvironment.ForRunAsync(worker.Resource);

        Assert.Equal("iggy://iggy:secret@localhost:41234", environment["ConnectionStrings__iggy"]);
        Assert.Equal("tcp://localhost:41234", environment["services__iggy__tcp__0"]);
    }

    [Fact]
    public async Task The_declared_topology_is_created_on_it_once_it_is_ready_and_its_commands_run_there()
    {
        await using var http = await IggyTestServers.StartAsync();
        using var topology = IggyTopologyApp.Create(http, addServer: builder => builder.AddIggyTestServer<TestServerHostProject>("iggy"));

        await topology.ServerReadyAsync();

        Assert.IsType<IggyTestServerResource>(topology.Iggy);
        Assert.Equal(3, http.PartitionsOf("demo-stream", "demo-topic"));
        Assert.Contains("demo-consumers", http.GroupsOf("demo-stream", "demo-topic"));
        foreach (var child in new IResource[] { topology.Stream, topology.Topic, topology.Group })
        {
            Assert.Equal(KnownResourceStates.Running, topology.StateOf(child));
            Assert.Equal(HealthStatus.Healthy, (await topology.HealthOfAsync(child)).Status);
        }

        var commands = topology.App.Services.GetRequiredService<ResourceCommandService>();
        var sent = await commands.ExecuteCommandAsync(topology.Topic, "iggy-send-test-message", new InteractionInputCollection([new InteractionInput { Name = "text", InputType = InputType.Text, Value = "on the test server" }]), TestContext.Current.CancellationToken);
        Assert.True(sent.Success, sent.Message);
        Assert.Equal(1, http.MessagesOf("demo-stream", "demo-topic"));
        var stats = await commands.ExecuteCommandAsync(topology.Iggy, "iggy-server-stats", new InteractionInputCollection([]), TestContext.Current.CancellationToken);
        Assert.True(stats.Success, stats.Message);
    }

    [Fact]
    public async Task The_AppHost_warns_at_start_that_it_runs_the_test_server_instead_of_Iggy()
    {
        var builder = AppModelBuilder.Create("--operation", "publish");
        var logs = new WarningCollector();
        builder.Services.AddLogging(logging => logging.AddProvider(logs));
        builder.AddIggyTestServer<TestServerHostProject>("iggy");
        using var app = builder.Build();

        await builder.Eventing.PublishAsync(new BeforeStartEvent(app.Services, app.Services.GetRequiredService<DistributedApplicationModel>()), TestContext.Current.CancellationToken);

        var warning = Assert.Single(logs.Warnings);
        Assert.Equal("'iggy' is the IggyAspire test server, not the apache/iggy container: an in-memory model of Iggy server 0.8.0 that keeps nothing. Use it only where no container runtime runs.", warning);
    }

    private static void Allocate(IggyTestServerResource server, string endpointName, int port, int targetPort)
    {
        var endpoint = server.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == endpointName);
        endpoint.TargetPort = targetPort;
        endpoint.AllocatedEndpoint = new AllocatedEndpoint(endpoint, "localhost", port);
    }

    private sealed class TestServerHostProject : IProjectMetadata
    {
        public const string Path = "/src/IggyAspire.TestServer.Host/IggyAspire.TestServer.Host.csproj";

        public string ProjectPath => Path;
    }
}
