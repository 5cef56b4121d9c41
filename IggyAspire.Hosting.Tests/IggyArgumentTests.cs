using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace IggyAspire.Hosting.Tests;

/// <summary>
/// What each public call accepts and refuses, with the parameter named and the message saying what is wrong; the
/// limits themselves are accepted. Also the model details a reader of the dashboard or a referencing worker sees.
/// </summary>
public sealed class IggyArgumentTests
{
    [Fact]
    public void A_missing_builder_or_source_is_refused_naming_it()
    {
        var builder = AppModelBuilder.Create();
        var iggy = builder.AddIggy("iggy");
        var stream = iggy.AddStream("s");
        var topic = stream.AddTopic("t");
        var worker = builder.AddContainer("worker", "worker-image");

        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => IggyBuilderExtensions.AddIggy(null!, "iggy")).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => IggyBuilderExtensions.WithDataVolume(null!)).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => IggyBuilderExtensions.WithDataBindMount(null!, "/data")).ParamName);
        Assert.Equal("source", Assert.ThrowsAny<ArgumentException>(() => iggy.WithDataBindMount("")).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => IggyBuilderExtensions.WithWebUI(null!)).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => IggyBuilderExtensions.WithHeartbeat(null!)).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => IggyBuilderExtensions.WithServerTelemetry(null!)).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => IggyBuilderExtensions.WithReference<ContainerResource>(null!, iggy)).ParamName);
        Assert.Equal("source", Assert.Throws<ArgumentNullException>(() => IggyBuilderExtensions.WithReference(worker, (IResourceBuilder<IggyResource>)null!)).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => IggyTopologyBuilderExtensions.AddStream(null!, "s2")).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => IggyTopologyBuilderExtensions.AddTopic(null!, "t2")).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => IggyTopologyBuilderExtensions.AddConsumerGroup(null!, "g2")).ParamName);
        Assert.Empty(topic.Resource.Annotations.OfType<ContainerMountAnnotation>());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(65535)]
    public void The_port_limits_themselves_are_accepted(int port)
    {
        var builder = AppModelBuilder.Create();

        var iggy = builder.AddIggy("iggy", tcpPort: port, httpPort: port).Resource;

        Assert.All(iggy.Annotations.OfType<EndpointAnnotation>(), endpoint => Assert.Equal(port, endpoint.Port));
    }

    [Fact]
    public void A_port_out_of_range_says_which_and_the_range()
    {
        var builder = AppModelBuilder.Create();

        var failure = Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddIggy("iggy", httpPort: 0));

        Assert.StartsWith("The Iggy httpPort must be between 1 and 65535.", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_iggy_names_and_partitions_say_what_the_server_needs()
    {
        var builder = AppModelBuilder.Create();
        var stream = builder.AddIggy("iggy").AddStream("s");

        Assert.StartsWith("An Iggy name must be 1 to 255 ASCII characters, not blank (was 'zürich').", Assert.Throws<ArgumentException>(() => stream.AddTopic("t", iggyName: "zürich")).Message, StringComparison.Ordinal);
        Assert.StartsWith("An Iggy name must not be a number: the HTTP API would read '12' as a numeric id.", Assert.Throws<ArgumentException>(() => stream.AddTopic("t", iggyName: "12")).Message, StringComparison.Ordinal);
        Assert.StartsWith("A topic needs 1 to 1000 partitions.", Assert.Throws<ArgumentOutOfRangeException>(() => stream.AddTopic("t", 0)).Message, StringComparison.Ordinal);
        Assert.StartsWith("A message expiry must be at least one microsecond, or IggyTopicResource.NeverExpire.", Assert.Throws<ArgumentOutOfRangeException>(() => stream.AddTopic("t", messageExpiry: TimeSpan.FromTicks(9))).Message, StringComparison.Ordinal);
        Assert.StartsWith("A topic's maximum size must be at least the server's segment size", Assert.Throws<ArgumentOutOfRangeException>(() => stream.AddTopic("t", maxSizeBytes: -1)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void One_microsecond_and_the_segment_size_are_the_smallest_limits_accepted()
    {
        var builder = AppModelBuilder.Create();
        var stream = builder.AddIggy("iggy").AddStream("s");

        var topic = stream.AddTopic("t", messageExpiry: TimeSpan.FromMicroseconds(1), maxSizeBytes: 1L << 30).Resource;

        Assert.Equal((TimeSpan.FromMicroseconds(1), 1L << 30), (topic.MessageExpiry, topic.MaxSizeBytes));
        Assert.Equal("messageExpiry", Assert.Throws<ArgumentOutOfRangeException>(() => stream.AddTopic("t2", messageExpiry: TimeSpan.FromTicks(9))).ParamName);
    }

    [Fact]
    public void The_dashboard_shows_each_childs_names_and_limits_under_their_property_names()
    {
        var builder = AppModelBuilder.Create();
        var stream = builder.AddIggy("iggy").AddStream("s", iggyName: "orders");
        var topic = stream.AddTopic("t", 2, iggyName: "created", messageExpiry: TimeSpan.FromDays(7), maxSizeBytes: 2_000_000_000);
        var group = topic.AddConsumerGroup("g", iggyName: "billing");
        var plain = stream.AddTopic("plain");

        Assert.Equal([("iggy.stream", (object?)"orders")], Properties(stream.Resource));
        Assert.Equal(
            [("iggy.stream", "orders"), ("iggy.topic", "created"), ("iggy.partitions", 2), ("iggy.message_expiry", "7.00:00:00"), ("iggy.max_topic_size", 2_000_000_000L)],
            Properties(topic.Resource));
        Assert.Equal([("iggy.stream", (object?)"orders"), ("iggy.topic", "created"), ("iggy.consumer_group", "billing")], Properties(group.Resource));
        Assert.Equal([("iggy.stream", (object?)"orders"), ("iggy.topic", "plain"), ("iggy.partitions", 1)], Properties(plain.Resource));
    }

    [Fact]
    public async Task A_root_user_parameter_is_the_user_of_the_connection_string()
    {
        var builder = AppModelBuilder.Create();
        builder.Configuration["Parameters:iggy-user"] = "ops";
        builder.Configuration["Parameters:iggy-secret"] = "s3cret";
        var iggy = builder.AddIggy("iggy", builder.AddParameter("iggy-user"), builder.AddParameter("iggy-secret", secret: true)).Resource;
        IggyEndpoints.Allocate(iggy, "tcp", 41234);

        Assert.Equal("iggy://ops:s3cret@localhost:41234", await iggy.ConnectionStringExpression.GetValueAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task The_generated_password_has_letters_and_digits_only_since_it_travels_inside_the_uri()
    {
        var builder = AppModelBuilder.Create();

        var password = await builder.AddIggy("iggy").Resource.PasswordParameter.GetValueAsync(TestContext.Current.CancellationToken);

        Assert.Matches("^[A-Za-z0-9]{22,}$", password);
    }

    [Fact]
    public async Task An_image_pinned_by_digest_needs_no_tag()
    {
        var builder = PublishingBuilder();
        builder.AddIggy("iggy").WithImageTag("").WithImageSHA256(new string('a', 64));

        await BeforeStartAsync(builder);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(65535)]
    public async Task Endpoint_ports_at_the_limits_pass_the_check_before_start(int port)
    {
        var builder = PublishingBuilder();
        builder.AddIggy("iggy").WithEndpoint("tcp", endpoint => (endpoint.Port, endpoint.TargetPort) = (port, port));

        await BeforeStartAsync(builder);
    }

    [Fact]
    public async Task A_host_port_overridden_out_of_range_fails_before_anything_starts_naming_it()
    {
        var builder = PublishingBuilder();
        builder.AddIggy("iggy").WithEndpoint("http", endpoint => endpoint.Port = 70000);

        var failure = await Assert.ThrowsAsync<DistributedApplicationException>(() => BeforeStartAsync(builder));

        Assert.Equal("The Iggy resource 'iggy' endpoint 'http' has port 70000, outside 1 to 65535.", failure.Message);
    }

    private static (string, object?)[] Properties(IResource resource) =>
        [.. Assert.Single(resource.Annotations.OfType<ResourceSnapshotAnnotation>()).InitialSnapshot.Properties.Select(p => (p.Name, p.Value))];

    private static IDistributedApplicationBuilder PublishingBuilder() => AppModelBuilder.Create("--operation", "publish");

    private static async Task BeforeStartAsync(IDistributedApplicationBuilder builder)
    {
        using var app = builder.Build();
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        await builder.Eventing.PublishAsync(new BeforeStartEvent(app.Services, model), TestContext.Current.CancellationToken);
    }
}
