using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace IggyAspire.Hosting.Tests;

public sealed class IggyTopologyModelTests
{
    [Fact]
    public void Streams_topics_and_groups_are_children_of_their_parents_named_as_declared()
    {
        var builder = AppModelBuilder.Create();
        var iggy = builder.AddIggy("iggy");

        var stream = iggy.AddStream("demo-stream");
        var topic = stream.AddTopic("demo-topic", partitions: 3);
        var group = topic.AddConsumerGroup("demo-consumers");

        Assert.Same(iggy.Resource, stream.Resource.Parent);
        Assert.Same(stream.Resource, topic.Resource.Parent);
        Assert.Same(topic.Resource, group.Resource.Parent);
        Assert.Equal(("demo-stream", "demo-topic", 3, "demo-consumers"), (stream.Resource.StreamName, topic.Resource.TopicName, topic.Resource.Partitions, group.Resource.ConsumerGroupName));
        Assert.Equal((null, null), (topic.Resource.MessageExpiry, topic.Resource.MaxSizeBytes));
    }

    [Fact]
    public void An_iggy_name_replaces_the_resource_name_on_the_server()
    {
        var builder = AppModelBuilder.Create();

        var stream = builder.AddIggy("iggy").AddStream("orders", iggyName: "Orders.EU");
        var topic = stream.AddTopic("created", partitions: 2, iggyName: "order_created", messageExpiry: TimeSpan.FromDays(7), maxSizeBytes: 2_000_000_000);
        var group = topic.AddConsumerGroup("billing", iggyName: "billing_v2");

        Assert.Equal(("orders", "Orders.EU"), (stream.Resource.Name, stream.Resource.StreamName));
        Assert.Equal(("created", "order_created"), (topic.Resource.Name, topic.Resource.TopicName));
        Assert.Equal(("billing", "billing_v2"), (group.Resource.Name, group.Resource.ConsumerGroupName));
        Assert.Equal((TimeSpan.FromDays(7), 2_000_000_000L), (topic.Resource.MessageExpiry, topic.Resource.MaxSizeBytes));
    }

    // Data, not literals: analyzer ASPIRE006 refuses an invalid literal at compile time.
    [Theory]
    [InlineData("")]
    [InlineData("1topic")]
    [InlineData("demo--topic")]
    [InlineData("demo-")]
    [InlineData("demo_topic")]
    public void An_invalid_resource_name_fails_at_the_call_naming_it(string name)
    {
        var builder = AppModelBuilder.Create();
        var stream = builder.AddIggy("iggy").AddStream("s");
        var topic = stream.AddTopic("t");

        Assert.Equal("name", Assert.ThrowsAny<ArgumentException>(() => builder.AddIggy("iggy2").AddStream(name)).ParamName);
        Assert.Equal("name", Assert.ThrowsAny<ArgumentException>(() => stream.AddTopic(name)).ParamName);
        Assert.Equal("name", Assert.ThrowsAny<ArgumentException>(() => topic.AddConsumerGroup(name)).ParamName);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("zürich")]
    [InlineData("12")]
    [InlineData("4294967295")]
    public void An_iggy_name_the_server_cannot_take_or_find_again_fails_naming_it(string iggyName)
    {
        var builder = AppModelBuilder.Create();
        var stream = builder.AddIggy("iggy").AddStream("s");
        var topic = stream.AddTopic("t");

        Assert.Equal("iggyName", Assert.ThrowsAny<ArgumentException>(() => builder.AddIggy("iggy2").AddStream("s2", iggyName)).ParamName);
        Assert.Equal("iggyName", Assert.ThrowsAny<ArgumentException>(() => stream.AddTopic("t2", iggyName: iggyName)).ParamName);
        Assert.Equal("iggyName", Assert.ThrowsAny<ArgumentException>(() => topic.AddConsumerGroup("g2", iggyName)).ParamName);
    }

    [Fact]
    public void An_iggy_name_may_have_255_ascii_characters_and_no_more()
    {
        var builder = AppModelBuilder.Create();
        var iggy = builder.AddIggy("iggy");

        Assert.Equal(255, iggy.AddStream("s", new string('a', 255)).Resource.StreamName.Length);
        Assert.Equal("iggyName", Assert.Throws<ArgumentException>(() => iggy.AddStream("s2", new string('a', 256))).ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    [InlineData(-1)]
    public void Partitions_outside_1_to_1000_fail_naming_them(int partitions)
    {
        var builder = AppModelBuilder.Create();
        var stream = builder.AddIggy("iggy").AddStream("s");

        Assert.Equal("partitions", Assert.Throws<ArgumentOutOfRangeException>(() => stream.AddTopic("t", partitions)).ParamName);
        Assert.Equal(1000, stream.AddTopic("max", 1000).Resource.Partitions);
    }

    [Fact]
    public void A_zero_expiry_or_size_fails_since_zero_means_the_server_default_on_the_wire()
    {
        var builder = AppModelBuilder.Create();
        var stream = builder.AddIggy("iggy").AddStream("s");

        Assert.Equal("messageExpiry", Assert.Throws<ArgumentOutOfRangeException>(() => stream.AddTopic("t", messageExpiry: TimeSpan.Zero)).ParamName);
        Assert.Equal("maxSizeBytes", Assert.Throws<ArgumentOutOfRangeException>(() => stream.AddTopic("t", maxSizeBytes: 0)).ParamName);
    }

    [Fact]
    public async Task Each_childs_connection_string_is_the_servers_own()
    {
        var builder = AppModelBuilder.Create();
        builder.Configuration["Parameters:iggy-password"] = "secret";
        var iggy = builder.AddIggy("iggy");
        var stream = iggy.AddStream("demo-stream");
        var topic = stream.AddTopic("demo-topic", 3);
        var group = topic.AddConsumerGroup("demo-consumers");
        IggyEndpoints.Allocate(iggy.Resource, "tcp", 41234);

        var ct = TestContext.Current.CancellationToken;
        Assert.Equal("{iggy.connectionString}", stream.Resource.ConnectionStringExpression.ValueExpression);
        Assert.Equal("{demo-stream.connectionString}", topic.Resource.ConnectionStringExpression.ValueExpression);
        Assert.Equal("{demo-topic.connectionString}", group.Resource.ConnectionStringExpression.ValueExpression);
        foreach (var child in new IResourceWithConnectionString[] { stream.Resource, topic.Resource, group.Resource })
        {
            Assert.Equal("iggy://iggy:secret@localhost:41234", await child.ConnectionStringExpression.GetValueAsync(ct));
        }
    }

    [Fact]
    public async Task Connection_properties_are_the_servers_plus_the_names()
    {
        var builder = AppModelBuilder.Create();
        builder.Configuration["Parameters:iggy-password"] = "secret";
        var iggy = builder.AddIggy("iggy");
        var stream = iggy.AddStream("demo-stream", iggyName: "demo.stream");
        var topic = stream.AddTopic("demo-topic", 3);
        var group = topic.AddConsumerGroup("demo-consumers");
        IggyEndpoints.Allocate(iggy.Resource, "tcp", 41234);
        IggyEndpoints.Allocate(iggy.Resource, "http", 43000);

        var server = new Dictionary<string, string?>
        {
            ["Host"] = "localhost",
            ["Port"] = "41234",
            ["Username"] = "iggy",
            ["Password"] = "secret",
            ["Uri"] = "iggy://iggy:secret@localhost:41234",
            ["HttpUri"] = "http://localhost:43000",
        };
        Assert.Equal(new Dictionary<string, string?>(server) { ["Stream"] = "demo.stream" }, await PropertiesAsync(stream.Resource));
        Assert.Equal(new Dictionary<string, string?>(server) { ["Stream"] = "demo.stream", ["Topic"] = "demo-topic", ["Partitions"] = "3" }, await PropertiesAsync(topic.Resource));
        Assert.Equal(new Dictionary<string, string?>(server) { ["Stream"] = "demo.stream", ["Topic"] = "demo-topic", ["Partitions"] = "3", ["ConsumerGroup"] = "demo-consumers" }, await PropertiesAsync(group.Resource));
    }

    [Fact]
    public async Task A_worker_referencing_a_topic_and_a_group_receives_the_connection_string_and_the_names()
    {
        var builder = AppModelBuilder.Create();
        var topic = builder.AddIggy("iggy").AddStream("demo-stream").AddTopic("demo-topic", 3);
        var group = topic.AddConsumerGroup("demo-consumers");

        var producer = builder.AddContainer("producer", "producer-image").WithReference(topic).Resource;
        var consumer = builder.AddContainer("consumer", "consumer-image").WithReference(group).Resource;

        var produced = await ResourceEnvironment.ForPublishAsync(producer);
        Assert.Equal("{demo-topic.connectionString}", produced["ConnectionStrings__demo-topic"]);
        Assert.Equal("{demo-topic.connectionString}", produced["ConnectionStrings__demo_topic"]);
        Assert.Equal(
            ["DEMO_TOPIC_HOST", "DEMO_TOPIC_HTTPURI", "DEMO_TOPIC_PARTITIONS", "DEMO_TOPIC_PASSWORD", "DEMO_TOPIC_PORT", "DEMO_TOPIC_STREAM", "DEMO_TOPIC_TOPIC", "DEMO_TOPIC_URI", "DEMO_TOPIC_USERNAME"],
            produced.Keys.Where(k => k.StartsWith("DEMO_TOPIC_", StringComparison.Ordinal)).Order());
        Assert.Equal(("demo-stream", "demo-topic"), (produced["DEMO_TOPIC_STREAM"], produced["DEMO_TOPIC_TOPIC"]));

        var consumed = await ResourceEnvironment.ForPublishAsync(consumer);
        Assert.Equal("{demo-consumers.connectionString}", consumed["ConnectionStrings__demo-consumers"]);
        Assert.Equal(("demo-stream", "demo-topic", "demo-consumers"), (consumed["DEMO_CONSUMERS_STREAM"], consumed["DEMO_CONSUMERS_TOPIC"], consumed["DEMO_CONSUMERS_CONSUMERGROUP"]));
    }

    [Fact]
    public void Each_child_starts_waiting_with_its_type_names_and_a_health_check_of_its_own()
    {
        var builder = AppModelBuilder.Create();
        var stream = builder.AddIggy("iggy").AddStream("demo-stream");
        var topic = stream.AddTopic("demo-topic", 3);
        var group = topic.AddConsumerGroup("demo-consumers");

        var streamState = Assert.Single(stream.Resource.Annotations.OfType<ResourceSnapshotAnnotation>()).InitialSnapshot;
        var topicState = Assert.Single(topic.Resource.Annotations.OfType<ResourceSnapshotAnnotation>()).InitialSnapshot;
        var groupState = Assert.Single(group.Resource.Annotations.OfType<ResourceSnapshotAnnotation>()).InitialSnapshot;
        Assert.Equal(("IggyStream", "IggyTopic", "IggyConsumerGroup"), (streamState.ResourceType, topicState.ResourceType, groupState.ResourceType));
        Assert.All([streamState, topicState, groupState], s => Assert.Equal(KnownResourceStates.Waiting, s.State?.Text));
        Assert.Equal(["demo-stream", "demo-topic", 3], topicState.Properties.Select(p => p.Value));
        Assert.Equal(["demo-stream", "demo-topic", "demo-consumers"], groupState.Properties.Select(p => p.Value));
        Assert.Equal("demo-stream_check", Assert.Single(stream.Resource.Annotations.OfType<HealthCheckAnnotation>()).Key);
        Assert.Equal("demo-topic_check", Assert.Single(topic.Resource.Annotations.OfType<HealthCheckAnnotation>()).Key);
        Assert.Equal("demo-consumers_check", Assert.Single(group.Resource.Annotations.OfType<HealthCheckAnnotation>()).Key);
    }

    [Fact]
    public void Waiting_for_a_topic_waits_for_the_server_and_for_the_topics_health()
    {
        var builder = AppModelBuilder.Create();
        var iggy = builder.AddIggy("iggy");
        var topic = iggy.AddStream("demo-stream").AddTopic("demo-topic", 3);

        var worker = builder.AddContainer("worker", "worker-image").WaitFor(topic).Resource;

        var waits = worker.Annotations.OfType<WaitAnnotation>().ToList();
        Assert.Contains(waits, w => w.Resource == topic.Resource && w.WaitType == WaitType.WaitUntilHealthy);
        Assert.Contains(waits, w => w.Resource == iggy.Resource);
    }

    [Fact]
    public void The_commands_are_on_the_server_the_topic_and_the_group()
    {
        var builder = AppModelBuilder.Create();
        var iggy = builder.AddIggy("iggy");
        var topic = iggy.AddStream("demo-stream").AddTopic("demo-topic", 3);
        var group = topic.AddConsumerGroup("demo-consumers");

        Assert.Equal(["iggy-server-stats"], Commands(iggy.Resource).Select(c => c.Name));
        Assert.Equal(["iggy-send-test-message", "iggy-purge-topic"], Commands(topic.Resource).Select(c => c.Name));
        Assert.Equal(["iggy-reset-offsets"], Commands(group.Resource).Select(c => c.Name));
        Assert.Empty(Commands(topic.Resource.Parent));

        var send = Commands(topic.Resource).Single(c => c.Name == "iggy-send-test-message");
        Assert.Equal(("Send test message", null), (send.DisplayName, send.ConfirmationMessage));
        var text = Assert.Single(send.Arguments);
        Assert.Equal(("text", true), (text.Name, text.Required));
        Assert.Contains("demo-topic", Commands(topic.Resource).Single(c => c.Name == "iggy-purge-topic").ConfirmationMessage, StringComparison.Ordinal);
        Assert.Contains("demo-consumers", Commands(group.Resource).Single().ConfirmationMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Running", true)]
    [InlineData("Waiting", false)]
    [InlineData("Exited", false)]
    [InlineData("FailedToStart", false)]
    public void Server_stats_is_enabled_only_while_the_server_runs(string state, bool enabled)
    {
        var builder = AppModelBuilder.Create();
        var iggy = builder.AddIggy("iggy");
        using var app = builder.Build();

        Assert.Equal(enabled ? ResourceCommandState.Enabled : ResourceCommandState.Disabled, StateOf(Commands(iggy.Resource).Single(), state, app.Services));
    }

    [Fact]
    public void Topic_and_group_commands_are_disabled_until_the_entity_was_created_even_when_it_shows_running()
    {
        var builder = AppModelBuilder.Create();
        var topic = builder.AddIggy("iggy").AddStream("demo-stream").AddTopic("demo-topic", 3);
        var group = topic.AddConsumerGroup("demo-consumers");
        using var app = builder.Build();

        // Aspire copies the server container's state (Running) onto its children before they are created.
        foreach (var command in Commands(topic.Resource).Concat(Commands(group.Resource)))
        {
            Assert.Equal(ResourceCommandState.Disabled, StateOf(command, KnownResourceStates.Running, app.Services));
        }
    }

    internal static IReadOnlyList<ResourceCommandAnnotation> Commands(IResource resource) =>
        [.. resource.Annotations.OfType<ResourceCommandAnnotation>()];

    internal static ResourceCommandState StateOf(ResourceCommandAnnotation command, string state, IServiceProvider services) =>
        command.UpdateState(new UpdateCommandStateContext
        {
            ResourceSnapshot = new CustomResourceSnapshot { ResourceType = "Test", Properties = [], State = state },
            Services = services,
        });

    private static async Task<Dictionary<string, string?>> PropertiesAsync(IResourceWithConnectionString resource)
    {
        var properties = new Dictionary<string, string?>();
        foreach (var (key, value) in resource.GetConnectionProperties())
        {
            properties[key] = await value.GetValueAsync(TestContext.Current.CancellationToken);
        }

        return properties;
    }
}
