using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace IggyAspire.Hosting.Tests;

/// <summary>
/// Issue 21, defects 3 and 4: what server 0.8.0 would refuse or misread is refused where the topology is declared,
/// and "unlimited" and "never expire" can be said.
/// </summary>
public sealed class IggyTopicLimitsTests
{
    private const long SegmentSize = 1L << 30;

    [Theory]
    [InlineData(1L)]
    [InlineData(1_000_000_000L)]
    [InlineData(SegmentSize - 1)]
    public void A_maximum_size_below_the_servers_segment_size_is_refused_where_it_is_declared(long maxSizeBytes)
    {
        var stream = AppModelBuilder.Create().AddIggy("iggy").AddStream("s");

        var failure = Assert.Throws<ArgumentOutOfRangeException>(() => stream.AddTopic("t", maxSizeBytes: maxSizeBytes));

        // config.rs resolve_max_topic_size: below [system.segment] size (1 GiB) the server answers 1019 InvalidTopicSize,
        // before it looks at the name, so an existing topic would fail with 1019 instead of "already exists".
        Assert.Equal("maxSizeBytes", failure.ParamName);
        Assert.StartsWith("A topic's maximum size must be at least the server's segment size, 1 GiB (1073741824 bytes; server 0.8.0 refuses a smaller one with 1019), or IggyTopicResource.UnlimitedSize.", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_segment_size_and_unlimited_are_accepted_and_shown()
    {
        var stream = AppModelBuilder.Create().AddIggy("iggy").AddStream("s");

        var atTheFloor = stream.AddTopic("floor", maxSizeBytes: SegmentSize).Resource;
        var unlimited = stream.AddTopic("unlimited", maxSizeBytes: IggyTopicResource.UnlimitedSize, messageExpiry: IggyTopicResource.NeverExpire).Resource;

        Assert.Equal(SegmentSize, atTheFloor.MaxSizeBytes);
        Assert.Equal((IggyTopicResource.UnlimitedSize, IggyTopicResource.NeverExpire), (unlimited.MaxSizeBytes, unlimited.MessageExpiry));
        var properties = unlimited.Annotations.OfType<ResourceSnapshotAnnotation>().Single().InitialSnapshot.Properties.ToDictionary(p => p.Name, p => p.Value);
        Assert.Equal(("never", "unlimited"), (properties["iggy.message_expiry"], properties["iggy.max_topic_size"]));
    }

    [Fact]
    public async Task Unlimited_and_never_expire_reach_the_server_as_its_u64_max()
    {
        await using var server = await IggyTestServers.StartAsync();
        using var topology = IggyTopologyApp.Create(server, topic: stream => stream.AddTopic("demo-topic", 3, maxSizeBytes: IggyTopicResource.UnlimitedSize, messageExpiry: IggyTopicResource.NeverExpire));

        await topology.ServerReadyAsync();

        // utils/topic_size.rs:70-77 and utils/expiry.rs:151-158: u64::MAX is Unlimited and NeverExpire on the wire.
        var create = Assert.Single(server.Requests, request => request is { Method: "POST", Path: "/streams/demo-stream/topics" });
        Assert.Equal((ulong.MaxValue, ulong.MaxValue), ((ulong)create.Json!["max_topic_size"]!, (ulong)create.Json!["message_expiry"]!));
    }

    [Theory]
    [InlineData("+5")]
    [InlineData("+0")]
    [InlineData("007")]
    [InlineData("4294967295")]
    public void A_name_the_servers_u32_parse_reads_as_a_number_is_refused(string iggyName)
    {
        var stream = AppModelBuilder.Create().AddIggy("iggy").AddStream("s");

        // Identifier::from_str_value (common/src/types/identifier/mod.rs:144-154) tries value.parse::<u32>() first, and
        // Rust's parse takes one leading '+': "+5" is the numeric id 5 on every HTTP route.
        var failure = Assert.Throws<ArgumentException>(() => stream.AddTopic("t", iggyName: iggyName));

        Assert.StartsWith($"An Iggy name must not be a number: the HTTP API would read '{iggyName}' as a numeric id.", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("4294967296")]
    [InlineData("+")]
    [InlineData("-5")]
    [InlineData("++5")]
    [InlineData("5 ")]
    public void A_name_the_servers_u32_parse_refuses_stays_a_name(string iggyName)
    {
        var stream = AppModelBuilder.Create().AddIggy("iggy").AddStream("s");

        Assert.Equal(iggyName, stream.AddTopic("t", iggyName: iggyName).Resource.TopicName);
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    public void A_dot_segment_name_is_refused_since_the_uri_would_drop_it(string iggyName)
    {
        var builder = AppModelBuilder.Create();

        // System.Uri removes "." and ".." path segments (RFC 3986 5.2.4): the call would reach another route.
        var failure = Assert.Throws<ArgumentException>(() => builder.AddIggy("iggy").AddStream("s", iggyName: iggyName));

        Assert.StartsWith($"An Iggy name must not be '{iggyName}': a URI drops it from the path, so the HTTP API would get another route.", failure.Message, StringComparison.Ordinal);
    }
}
