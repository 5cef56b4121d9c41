using System.Net.Sockets;
using System.Reflection;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Iggy;

namespace IggyAspire.Hosting.Tests;

public sealed class IggyResourceTests
{
    [Fact]
    public void The_image_is_apache_iggy_at_the_pinned_tag()
    {
        var builder = AppModelBuilder.Create();

        var iggy = builder.AddIggy("iggy").Resource;

        var image = Assert.Single(iggy.Annotations.OfType<ContainerImageAnnotation>());
        Assert.Equal(("docker.io", "apache/iggy", "0.8.0"), (image.Registry, image.Image, image.Tag));
    }

    [Fact]
    public void The_image_tag_is_the_server_version_of_the_pinned_Apache_Iggy()
    {
        // IggyVersion in Directory.Packages.props, the version every client project restores.
        var pinned = typeof(IggyResourceTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "IggyVersion").Value;

        Assert.Equal(IggyContainerImageTags.Tag, pinned);
    }

    [Fact]
    public void It_exposes_tcp_on_8090_and_http_on_3000()
    {
        var builder = AppModelBuilder.Create();

        var iggy = builder.AddIggy("iggy", tcpPort: 18090, httpPort: 13000).Resource;

        var endpoints = iggy.Annotations.OfType<EndpointAnnotation>().ToDictionary(e => e.Name);
        Assert.Equal(["tcp", "http"], endpoints.Keys);
        Assert.Equal((8090, 18090, ProtocolType.Tcp, "tcp"), (endpoints["tcp"].TargetPort, endpoints["tcp"].Port, endpoints["tcp"].Protocol, endpoints["tcp"].UriScheme));
        Assert.Equal((3000, 13000, "http"), (endpoints["http"].TargetPort, endpoints["http"].Port, endpoints["http"].UriScheme));
    }

    [Fact]
    public async Task The_server_listens_on_all_interfaces_for_tcp_and_http_only()
    {
        var builder = AppModelBuilder.Create();
        var iggy = builder.AddIggy("iggy").Resource;

        var environment = await ResourceEnvironment.ForRunAsync(iggy);

        Assert.Equal("0.0.0.0:8090", environment["IGGY_TCP_ADDRESS"]);
        Assert.Equal("0.0.0.0:3000", environment["IGGY_HTTP_ADDRESS"]);
        Assert.Equal("false", environment["IGGY_QUIC_ENABLED"]);
        Assert.Equal("false", environment["IGGY_WEBSOCKET_ENABLED"]);
        Assert.DoesNotContain("IGGY_HTTP_WEB_UI", environment.Keys);
        Assert.DoesNotContain("IGGY_TELEMETRY_ENABLED", environment.Keys);
    }

    [Fact]
    public async Task The_root_user_is_iggy_with_a_generated_secret_password()
    {
        var builder = AppModelBuilder.Create();
        var iggy = builder.AddIggy("iggy").Resource;

        var environment = await ResourceEnvironment.ForRunAsync(iggy);

        Assert.Equal("iggy", environment["IGGY_ROOT_USERNAME"]);
        Assert.Equal(("iggy-password", true), (iggy.PasswordParameter.Name, iggy.PasswordParameter.Secret));
        Assert.Equal(await iggy.PasswordParameter.GetValueAsync(TestContext.Current.CancellationToken), environment["IGGY_ROOT_PASSWORD"]);
        Assert.True(environment["IGGY_ROOT_PASSWORD"].Length >= 3, "Iggy refuses root passwords shorter than 3 characters");
    }

    [Fact]
    public async Task Root_credentials_come_from_the_parameters_given()
    {
        var builder = AppModelBuilder.Create();
        builder.Configuration["Parameters:iggy-user"] = "ops";
        builder.Configuration["Parameters:iggy-secret"] = "s3cret";
        var iggy = builder.AddIggy("iggy", builder.AddParameter("iggy-user"), builder.AddParameter("iggy-secret", secret: true)).Resource;

        var environment = await ResourceEnvironment.ForRunAsync(iggy);

        Assert.Equal(("ops", "s3cret"), (environment["IGGY_ROOT_USERNAME"], environment["IGGY_ROOT_PASSWORD"]));
    }

    [Fact]
    public async Task It_grants_the_container_what_io_uring_needs()
    {
        var builder = AppModelBuilder.Create();

        var iggy = builder.AddIggy("iggy").Resource;

        var args = new List<object>();
        foreach (var annotation in iggy.Annotations.OfType<ContainerRuntimeArgsCallbackAnnotation>())
        {
            await annotation.Callback(new ContainerRuntimeArgsCallbackContext(args, TestContext.Current.CancellationToken));
        }

        Assert.Equal(["--cap-add", "SYS_NICE", "--security-opt", "seccomp=unconfined", "--ulimit", "memlock=-1:-1"], args);
    }

    [Fact]
    public void Data_goes_to_a_volume_or_a_bind_mount_on_app_local_data()
    {
        var builder = AppModelBuilder.Create();

        var named = builder.AddIggy("iggy").WithDataVolume("iggy-data").Resource;
        var generated = builder.AddIggy("iggy2").WithDataVolume().Resource;
        var mounted = builder.AddIggy("iggy3").WithDataBindMount("/tmp/iggy").Resource;

        var volume = Assert.Single(named.Annotations.OfType<ContainerMountAnnotation>());
        Assert.Equal(("iggy-data", "/app/local_data", ContainerMountType.Volume), (volume.Source, volume.Target, volume.Type));
        var generatedVolume = Assert.Single(generated.Annotations.OfType<ContainerMountAnnotation>());
        Assert.EndsWith("-iggy2-data", generatedVolume.Source, StringComparison.Ordinal);
        Assert.Equal("/app/local_data", generatedVolume.Target);
        var mount = Assert.Single(mounted.Annotations.OfType<ContainerMountAnnotation>());
        Assert.Equal(("/app/local_data", ContainerMountType.BindMount), (mount.Target, mount.Type));
    }

    [Fact]
    public void Health_is_the_servers_ping_on_the_http_endpoint()
    {
        var builder = AppModelBuilder.Create();

        var iggy = builder.AddIggy("iggy").Resource;

        // Aspire names an HTTP health check after its resource, endpoint, path and expected status.
        var check = Assert.Single(iggy.Annotations.OfType<HealthCheckAnnotation>());
        Assert.Equal("iggy_http_/ping_200_check", check.Key);
    }

    [Fact]
    public async Task The_connection_string_is_the_iggy_uri_on_the_tcp_endpoint()
    {
        var builder = AppModelBuilder.Create();
        builder.Configuration["Parameters:iggy-password"] = "p@ss:w/rd";
        var iggy = builder.AddIggy("iggy").Resource;
        Allocate(iggy, "tcp", 41234);

        Assert.Equal("iggy://iggy:{iggy-password.value}@{iggy.bindings.tcp.host}:{iggy.bindings.tcp.port}", iggy.ConnectionStringExpression.ValueExpression);
        Assert.Equal("iggy://iggy:p%40ss%3Aw%2Frd@localhost:41234", await iggy.ConnectionStringExpression.GetValueAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Connection_properties_let_other_resources_wire_themselves()
    {
        var builder = AppModelBuilder.Create();
        builder.Configuration["Parameters:iggy-password"] = "secret";
        var iggy = builder.AddIggy("iggy").Resource;
        Allocate(iggy, "tcp", 41234);
        Allocate(iggy, "http", 43000);

        var properties = new Dictionary<string, string?>();
        foreach (var (key, value) in ((IResourceWithConnectionString)iggy).GetConnectionProperties())
        {
            properties[key] = await value.GetValueAsync(TestContext.Current.CancellationToken);
        }

        Assert.Equal(
            new Dictionary<string, string?>
            {
                ["Host"] = "localhost",
                ["Port"] = "41234",
                ["Username"] = "iggy",
                ["Password"] = "secret",
                ["Uri"] = "iggy://iggy:secret@localhost:41234",
                ["HttpUri"] = "http://localhost:43000",
            },
            properties);
    }

    [Fact]
    public async Task The_web_UI_is_switched_on_and_linked_from_the_resource()
    {
        var builder = AppModelBuilder.Create();
        var iggy = builder.AddIggy("iggy").WithWebUI().Resource;

        var environment = await ResourceEnvironment.ForRunAsync(iggy);
        var urls = new List<ResourceUrlAnnotation>();
        var context = new ResourceUrlsCallbackContext(builder.ExecutionContext, iggy, urls, TestContext.Current.CancellationToken);
        foreach (var annotation in iggy.Annotations.OfType<ResourceUrlsCallbackAnnotation>())
        {
            await annotation.Callback(context);
        }

        Assert.Equal("true", environment["IGGY_HTTP_WEB_UI"]);
        var link = Assert.Single(urls);
        Assert.Equal(("/ui", "Web UI", "http"), (link.Url, link.DisplayText, link.Endpoint?.EndpointName));
    }

    [Fact]
    public async Task The_heartbeat_check_is_switched_on_and_the_connection_string_asks_clients_to_ping_at_half_its_interval()
    {
        var builder = AppModelBuilder.Create();
        builder.Configuration["Parameters:iggy-password"] = "secret";
        var iggy = builder.AddIggy("iggy").WithHeartbeat(TimeSpan.FromSeconds(5)).Resource;
        Allocate(iggy, "tcp", 41234);

        var environment = await ResourceEnvironment.ForRunAsync(iggy);

        Assert.Equal(("true", "5000ms"), (environment["IGGY_HEARTBEAT_ENABLED"], environment["IGGY_HEARTBEAT_INTERVAL"]));
        Assert.Equal(TimeSpan.FromSeconds(5), iggy.HeartbeatInterval);
        Assert.Equal("iggy://iggy:secret@localhost:41234?heartbeat_interval=2500ms", await iggy.ConnectionStringExpression.GetValueAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Without_the_heartbeat_check_neither_the_server_nor_the_connection_string_mention_it()
    {
        var builder = AppModelBuilder.Create();
        var iggy = builder.AddIggy("iggy").Resource;

        var environment = await ResourceEnvironment.ForRunAsync(iggy);

        Assert.False(environment.ContainsKey("IGGY_HEARTBEAT_ENABLED"));
        Assert.Null(iggy.HeartbeatInterval);
        Assert.DoesNotContain("heartbeat", iggy.ConnectionStringExpression.ValueExpression, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1999)]
    [InlineData(0)]
    public void A_heartbeat_interval_under_2_seconds_is_refused(int milliseconds)
    {
        var iggy = AppModelBuilder.Create().AddIggy("iggy");

        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => iggy.WithHeartbeat(TimeSpan.FromMilliseconds(milliseconds)));

        Assert.Equal("interval", refused.ParamName);
    }

    [Fact]
    public async Task A_reference_gives_both_service_discovery_and_the_connection_string()
    {
        var builder = AppModelBuilder.Create();
        var iggy = builder.AddIggy("iggy");

        var worker = builder.AddContainer("worker", "worker-image").WithReference(iggy).Resource;

        var environment = await ResourceEnvironment.ForPublishAsync(worker);
        Assert.Equal("{iggy.bindings.tcp.url}", environment["services__iggy__tcp__0"]);
        Assert.Equal("{iggy.bindings.http.url}", environment["services__iggy__http__0"]);
        Assert.Equal("{iggy.connectionString}", environment["ConnectionStrings__iggy"]);
        Assert.Equal(["IGGY_HOST", "IGGY_HTTPURI", "IGGY_PASSWORD", "IGGY_PORT", "IGGY_URI", "IGGY_USERNAME"], environment.Keys.Where(k => k.StartsWith("IGGY_", StringComparison.Ordinal) && k is not "IGGY_TCP" and not "IGGY_HTTP").Order());
    }

    [Fact]
    public async Task A_reference_to_a_hyphenated_name_also_gives_the_portable_connection_string()
    {
        var builder = AppModelBuilder.Create();
        var iggy = builder.AddIggy("iggy-server");

        var worker = builder.AddContainer("worker", "worker-image").WithReference(iggy).Resource;

        // Aspire 13.6 writes each connection string twice: under the resource name, and with every character other
        // than a letter, digit or underscore as '_' for platforms whose variable names allow nothing else.
        var environment = await ResourceEnvironment.ForPublishAsync(worker);
        Assert.Equal("{iggy-server.connectionString}", environment["ConnectionStrings__iggy-server"]);
        Assert.Equal("{iggy-server.connectionString}", environment["ConnectionStrings__iggy_server"]);
        Assert.Equal("{iggy-server.bindings.tcp.url}", environment["services__iggy-server__tcp__0"]);
    }

    private static void Allocate(IggyResource iggy, string endpointName, int port)
    {
        var endpoint = iggy.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == endpointName);
        endpoint.AllocatedEndpoint = new AllocatedEndpoint(endpoint, "localhost", port);
    }
}
