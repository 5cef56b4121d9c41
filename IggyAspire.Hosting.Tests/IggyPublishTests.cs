using System.Collections.Concurrent;
using System.Text.Json;
using Aspire.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IggyAspire.Hosting.Tests;

/// <summary>
/// <c>--publisher manifest</c> on a model like the demo AppHost's, written by Aspire's own manifest step (no Docker,
/// no orchestrator): what a deployment made from it gets, and what the AppHost says it must add.
/// </summary>
public sealed class IggyPublishTests
{
    private const string RuntimeArgs = "--cap-add SYS_NICE --security-opt seccomp=unconfined --ulimit memlock=-1:-1";

    [Fact]
    public async Task The_manifest_carries_the_server_container_and_the_AppHost_warns_naming_the_runtime_arguments_it_cannot()
    {
        var published = await PublishDemoAsync();

        var iggy = published.Resources.GetProperty("iggy");
        Assert.Equal("container.v0", iggy.GetProperty("type").GetString());
        Assert.Equal("docker.io/apache/iggy:0.8.0", iggy.GetProperty("image").GetString());
        Assert.Equal("iggy://iggy:{iggy-password-uri-encoded.value}@{iggy.bindings.tcp.host}:{iggy.bindings.tcp.port}?heartbeat_interval=2500ms", iggy.GetProperty("connectionString").GetString());
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["IGGY_TCP_ADDRESS"] = "0.0.0.0:8090",
                ["IGGY_HTTP_ADDRESS"] = "0.0.0.0:3000",
                ["IGGY_QUIC_ENABLED"] = "false",
                ["IGGY_WEBSOCKET_ENABLED"] = "false",
                ["IGGY_ROOT_USERNAME"] = "iggy",
                ["IGGY_ROOT_PASSWORD"] = "{iggy-password.value}",
                ["IGGY_HTTP_WEB_UI"] = "true",
                ["IGGY_HEARTBEAT_ENABLED"] = "true",
                ["IGGY_HEARTBEAT_INTERVAL"] = "5000ms",
            },
            Strings(iggy.GetProperty("env")));
        var volume = Assert.Single(iggy.GetProperty("volumes").EnumerateArray());
        Assert.EndsWith("-iggy-data", volume.GetProperty("name").GetString(), StringComparison.Ordinal);
        Assert.Equal("/app/local_data", volume.GetProperty("target").GetString());
        var bindings = iggy.GetProperty("bindings");
        Assert.Equal(["tcp", "http"], bindings.EnumerateObject().Select(b => b.Name));
        Assert.Equal(("tcp", "tcp", 8090), Binding(bindings.GetProperty("tcp")));
        Assert.Equal(("http", "http", 3000), Binding(bindings.GetProperty("http")));
        // The root password: a secret input the deployment generates (22 characters, none special) or asks for.
        var password = published.Resources.GetProperty("iggy-password").GetProperty("inputs").GetProperty("value");
        Assert.True(password.GetProperty("secret").GetBoolean());
        Assert.Equal("{\"minLength\":22,\"special\":false}", JsonSerializer.Serialize(password.GetProperty("default").GetProperty("generate")));

        // Aspire's manifest has no field for container runtime arguments (container.v0 allows no other property), so
        // they are nowhere in it: the AppHost says so, naming them.
        Assert.Equal(["type", "connectionString", "image", "volumes", "env", "bindings"], iggy.EnumerateObject().Select(p => p.Name));
        Assert.DoesNotContain("SYS_NICE", published.Manifest, StringComparison.Ordinal);
        var warning = Assert.Single(published.Warnings, w => w.Contains(RuntimeArgs, StringComparison.Ordinal));
        Assert.Equal(
            "The published model cannot carry the container runtime arguments of the Iggy server 'iggy': --cap-add SYS_NICE --security-opt seccomp=unconfined --ulimit memlock=-1:-1. "
            + "Aspire publishes no container runtime arguments (its manifest has no field for them), and without them server 0.8.0 panics at start: its io_uring runtime needs them (Docker 25 and later block io_uring in their default seccomp profile). "
            + "A deployment of 'iggy' must add them itself: docker run --cap-add SYS_NICE --security-opt seccomp=unconfined --ulimit memlock=-1:-1; "
            + "in Docker Compose cap_add: [SYS_NICE], security_opt: [seccomp=unconfined], ulimits: {memlock: -1}.",
            warning);
    }

    [Fact]
    public async Task The_manifest_gives_each_worker_the_topics_declared_partition_count()
    {
        var published = await PublishDemoAsync();

        // No AppHost creates the topic in a deployment: the first worker to start does, with IGGY_PARTITIONS.
        var producer = Strings(published.Resources.GetProperty("producer").GetProperty("env"));
        var consumer = Strings(published.Resources.GetProperty("consumer").GetProperty("env"));
        Assert.Equal("3", producer["IGGY_PARTITIONS"]);
        Assert.Equal("3", consumer["IGGY_PARTITIONS"]);
        Assert.Equal(("demo-stream", "demo-topic"), (producer["IGGY_STREAM"], producer["IGGY_TOPIC"]));
        Assert.Equal(("demo-stream", "demo-topic", "demo-consumers"), (consumer["IGGY_STREAM"], consumer["IGGY_TOPIC"], consumer["IGGY_CONSUMERGROUP"]));
        Assert.Equal(("{demo-topic.connectionString}", "{demo-consumers.connectionString}"), (producer["ConnectionStrings__iggy"], consumer["ConnectionStrings__iggy"]));
        Assert.DoesNotContain(published.Warnings, w => w.Contains("partition", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_topics_expiry_and_size_which_no_worker_applies_are_named_in_a_publish_warning()
    {
        var published = await PublishAsync(builder =>
        {
            var topic = builder.AddIggy("iggy").AddStream("demo-stream")
                .AddTopic("demo-topic", 3, messageExpiry: TimeSpan.FromHours(2), maxSizeBytes: 2L * 1024 * 1024 * 1024);
            builder.AddContainer("producer", "producer-image").WithReference(topic, "iggy");
        });

        var warning = Assert.Single(published.Warnings, w => w.Contains("'demo-topic'", StringComparison.Ordinal));
        Assert.Equal(
            "The Iggy topic 'demo-topic' (stream 'demo-stream') declares a message expiry of 02:00:00 and a maximum size of 2147483648 bytes, which only the AppHost applies, in run mode. "
            + "In a deployment the workers create the topic with its partition count and the server's defaults for the rest: create it with these settings on the deployed server before the workers start.",
            warning);
        Assert.Equal("3", Strings(published.Resources.GetProperty("producer").GetProperty("env"))["IGGY_PARTITIONS"]);
    }

    // As IggyAspire.AppHost/AppHost.cs builds it, with the worker projects added by path (the AppHost itself needs
    // Apache.Iggy to build, through them).
    private static Task<Published> PublishDemoAsync() => PublishAsync(builder =>
    {
        var producer = builder.AddProject("producer", RepositoryPath("IggyAspire.Producer", "IggyAspire.Producer.csproj")).WithHttpHealthCheck("/health");
        var consumer = builder.AddProject("consumer", RepositoryPath("IggyAspire.Consumer", "IggyAspire.Consumer.csproj")).WithHttpHealthCheck("/health").WithReplicas(2);
        var iggy = builder.AddIggy("iggy").WithDataVolume().WithWebUI().WithHeartbeat();
        var topic = iggy.AddStream("demo-stream").AddTopic("demo-topic", partitions: 3);
        var group = topic.AddConsumerGroup("demo-consumers");
        producer.WithReference(topic, "iggy").WaitFor(topic);
        consumer.WithReference(group, "iggy").WaitFor(group);
    });

    // `dotnet run --project <AppHost> -- --publisher manifest --output-path <file>`: the same arguments, the same
    // pipeline step (publish-manifest), the AppHost's own logging.
    private static async Task<Published> PublishAsync(Action<IDistributedApplicationBuilder> model)
    {
        var directory = Directory.CreateTempSubdirectory("iggy-manifest-");
        try
        {
            var path = Path.Combine(directory.FullName, "manifest.json");
            var builder = AppModelBuilder.Create("--publisher", "manifest", "--output-path", path);
            var logs = new WarningCollector();
            builder.Services.AddLogging(logging => logging.AddProvider(logs));
            model(builder);

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(TimeSpan.FromMinutes(1));
            using (var app = builder.Build())
            {
                await app.RunAsync(timeout.Token);
            }

            var manifest = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
            using var document = JsonDocument.Parse(manifest);
            return new Published(manifest, document.RootElement.GetProperty("resources").Clone(), [.. logs.Warnings]);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static Dictionary<string, string> Strings(JsonElement element) =>
        element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);

    private static (string?, string?, int) Binding(JsonElement binding) =>
        (binding.GetProperty("scheme").GetString(), binding.GetProperty("transport").GetString(), binding.GetProperty("targetPort").GetInt32());

    private static string RepositoryPath(params string[] parts)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "IggyAspire.sln")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        return Path.Combine([directory.FullName, .. parts]);
    }

    private sealed record Published(string Manifest, JsonElement Resources, IReadOnlyList<string> Warnings);
}
