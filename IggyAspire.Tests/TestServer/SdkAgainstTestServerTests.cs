extern alias ProducerApp;

using System.Diagnostics;
using System.Text;
using Apache.Iggy;
using Apache.Iggy.Configuration;
using Apache.Iggy.Enums;
using Apache.Iggy.Exceptions;
using Apache.Iggy.Factory;
using Apache.Iggy.Headers;
using Apache.Iggy.IggyClient;
using Apache.Iggy.Kinds;
using Apache.Iggy.Messages;
using IggyAspire.Client;
using IggyAspire.Messaging;
using IggyAspire.Messaging.Transport;
using IggyAspire.TestServer.Tcp;
using Partitioning = Apache.Iggy.Kinds.Partitioning;

namespace IggyAspire.Tests.TestServer;

/// <summary>
/// The real Apache.Iggy 0.8.0 SDK over a real socket against the test server: every command the server answers, read
/// back through the SDK's own decoding, so the server's framing is checked by the client it stands in for.
/// </summary>
public sealed class SdkAgainstTestServerTests : IAsyncDisposable
{
    private static readonly IggyJsonMessageSerializer<ProducerApp::IggyAspire.Producer.DemoMessage> Serializer = new(ProducerApp::IggyAspire.Producer.DemoMessageJsonContext.Default.DemoMessage);

    private const string Stream = "orders";
    private const string Topic = "events";
    private const string Group = "workers";

    private readonly IggyTcpServer _server = IggyTcpServer.Start(new IggyTcpServerOptions { Username = "root", Password = "secret" });

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Connect_and_login_return_the_root_user_and_a_wrong_password_is_refused_with_42()
    {
        using var client = await ConnectAsync();

        var auth = await client.LoginUserAsync("root", "secret", TestContext.Current.CancellationToken);
        using var other = await ConnectAsync();
        var refused = await Assert.ThrowsAsync<IggyInvalidStatusCodeException>(() => other.LoginUserAsync("root", "wrong", TestContext.Current.CancellationToken));

        Assert.Equal(0, auth!.UserId);
        Assert.Equal(42, refused.StatusCode);
        // The SDK asks for the cluster metadata right after a login (TcpMessageStream.LoginUserAsync → RedirectAsync).
        Assert.Equal([IggyCommandCodes.LoginUser, IggyCommandCodes.GetClusterMetadata], _server.CommandsOf(_server.Logins.First(login => login.Succeeded).ClientId));
        await client.PingAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Streams_topics_and_groups_are_created_and_read_back_by_name_and_by_id()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await LoggedInAsync();

        var stream = await client.CreateStreamAsync(Stream, ct);
        var topic = await client.CreateTopicAsync(Identifier.String(Stream), Topic, 3, token: ct);
        var group = await client.CreateConsumerGroupAsync(Identifier.String(Stream), Identifier.String(Topic), Group, ct);

        Assert.Equal((0u, Stream, 0), (stream!.Id, stream.Name, stream.TopicsCount));
        Assert.Equal((0u, Topic, 3u), (topic!.Id, topic.Name, topic.PartitionsCount));
        Assert.Equal([0, 1, 2], topic.Partitions!.Select(partition => partition.Id));
        Assert.Equal((0u, Group, 3u, 0u), (group!.Id, group.Name, group.PartitionsCount, group.MembersCount));

        var byName = await client.GetStreamByIdAsync(Identifier.String(Stream), ct);
        var byNumber = await client.GetStreamByIdAsync(Identifier.Numeric(0), ct);
        Assert.Equal((Stream, 1), (byName!.Name, byName.TopicsCount));
        Assert.Equal(Topic, Assert.Single(byName.Topics).Name);
        Assert.Equal(Stream, byNumber!.Name);
        Assert.Null(await client.GetStreamByIdAsync(Identifier.String("missing"), ct));

        var topicByNumber = await client.GetTopicByIdAsync(Identifier.Numeric(0), Identifier.Numeric(0), ct);
        Assert.Equal((Topic, 3u), (topicByNumber!.Name, topicByNumber.PartitionsCount));
        Assert.Null(await client.GetTopicByIdAsync(Identifier.String(Stream), Identifier.String("missing"), ct));

        var again = await Assert.ThrowsAsync<IggyInvalidStatusCodeException>(() => client.CreateStreamAsync(Stream, ct));
        Assert.Equal(1012, again.StatusCode);
    }

    [Fact]
    public async Task Messages_with_user_headers_round_trip_through_a_group_poll_and_offsets_are_stored_and_read()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await LoggedInAsync();
        await client.CreateStreamAsync(Stream, ct);
        await client.CreateTopicAsync(Identifier.String(Stream), Topic, 1, token: ct);
        await client.CreateConsumerGroupAsync(Identifier.String(Stream), Identifier.String(Topic), Group, ct);
        await client.JoinConsumerGroupAsync(Identifier.String(Stream), Identifier.String(Topic), Identifier.String(Group), ct);
        const string traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var headers = new Dictionary<HeaderKey, HeaderValue> { [HeaderKey.FromString("traceparent")] = HeaderValue.FromString(traceparent) };

        await client.SendMessagesAsync(Identifier.String(Stream), Identifier.String(Topic), Partitioning.None(),
            [new Message((UInt128)101, "first"u8.ToArray(), headers), new Message((UInt128)102, "second"u8.ToArray())], ct);
        var polled = await client.PollMessagesAsync(Identifier.String(Stream), Identifier.String(Topic), null, Consumer.Group(Group),
            PollingStrategy.Next(), 10, false, ct);

        Assert.Equal((0, 1ul), (polled.PartitionId, polled.CurrentOffset));
        Assert.Equal([((UInt128)101, 0ul, "first"), ((UInt128)102, 1ul, "second")],
            polled.Messages.Select(message => (message.Header.Id, message.Header.Offset, Encoding.UTF8.GetString(message.Payload))));
        var received = Assert.Single(polled.Messages[0].UserHeaders!);
        Assert.Equal(("traceparent", traceparent), (received.Key.AsString(), received.Value.ToString()));
        Assert.Null(polled.Messages[1].UserHeaders);

        // Nothing stored yet: 0.8.0 answers an empty OK, which the SDK returns as null.
        Assert.Null(await client.GetOffsetAsync(Consumer.Group(Group), Identifier.String(Stream), Identifier.String(Topic), 0, ct));
        await client.StoreOffsetAsync(Consumer.Group(Group), Identifier.String(Stream), Identifier.String(Topic), 1, 0, ct);
        var offset = await client.GetOffsetAsync(Consumer.Group(Group), Identifier.String(Stream), Identifier.String(Topic), 0, ct);
        Assert.Equal((0, 1ul, 1ul), (offset!.PartitionId, offset.CurrentOffset, offset.StoredOffset));

        var tail = await client.PollMessagesAsync(Identifier.String(Stream), Identifier.String(Topic), 0, Consumer.New("tail"),
            PollingStrategy.Last(), 1, false, ct);
        Assert.Equal([(UInt128)102], tail.Messages.Select(message => message.Header.Id));

        await client.LeaveConsumerGroupAsync(Identifier.String(Stream), Identifier.String(Topic), Identifier.String(Group), ct);
        Assert.Equal("no members", _server.Inspect(model => model.DescribeGroup(Stream, Topic, Group)));
        var notMember = await Assert.ThrowsAsync<IggyInvalidStatusCodeException>(() =>
            client.LeaveConsumerGroupAsync(Identifier.String(Stream), Identifier.String(Topic), Identifier.String(Group), ct));
        Assert.Equal(5006, notMember.StatusCode);
        await client.PingAsync(ct);
    }

    [Fact]
    public async Task A_scripted_refusal_reaches_the_sdk_as_its_status_code()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await LoggedInAsync();
        _server.Faults.Push(IggyCommandCodes.CreateStream, IggyFault.Refuse(1234));

        var refused = await Assert.ThrowsAsync<IggyInvalidStatusCodeException>(() => client.CreateStreamAsync(Stream, ct));
        var created = await client.CreateStreamAsync(Stream, ct);

        Assert.Equal(1234, refused.StatusCode);
        Assert.Equal(Stream, created!.Name);
    }

    [Fact]
    public async Task A_closed_connection_takes_the_sdk_clients_group_membership_with_it()
    {
        var ct = TestContext.Current.CancellationToken;
        using var first = await LoggedInAsync();
        await first.CreateStreamAsync(Stream, ct);
        await first.CreateTopicAsync(Identifier.String(Stream), Topic, 2, token: ct);
        await first.CreateConsumerGroupAsync(Identifier.String(Stream), Identifier.String(Topic), Group, ct);
        await first.JoinConsumerGroupAsync(Identifier.String(Stream), Identifier.String(Topic), Identifier.String(Group), ct);
        var second = await LoggedInAsync();
        await second.JoinConsumerGroupAsync(Identifier.String(Stream), Identifier.String(Topic), Identifier.String(Group), ct);

        second.Dispose();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (_server.ConnectedClientIds.Count != 1 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10, ct);
        }

        Assert.Equal($"client {_server.ConnectedClientIds.Single()} [0,1]", _server.Inspect(model => model.DescribeGroup(Stream, Topic, Group)));
    }

    [Fact]
    public async Task The_producers_sends_of_one_and_of_several_messages_sharing_one_header_map_come_back_from_a_group_poll_with_their_headers()
    {
        var ct = TestContext.Current.CancellationToken;
        using var producer = await LoggedInAsync();
        using var consumer = await LoggedInAsync();
        await producer.CreateStreamAsync(Stream, ct);
        await producer.CreateTopicAsync(Identifier.String(Stream), Topic, 1, token: ct);
        await consumer.CreateConsumerGroupAsync(Identifier.String(Stream), Identifier.String(Topic), Group, ct);
        await consumer.JoinConsumerGroupAsync(Identifier.String(Stream), Identifier.String(Topic), Identifier.String(Group), ct);
        var sent = new DateTimeOffset(2026, 5, 4, 9, 56, 17, TimeSpan.Zero);
        OutgoingMessage Demo(long id) => new((UInt128)id, Serializer.Serialize(new ProducerApp::IggyAspire.Producer.DemoMessage(id, "hello from IggyAspire", sent)));

        // As MessageProducer sends: inside a span, through IggyTransport.ToMessages (one header map for the whole send).
        using (var span = new Activity("send demo-topic").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            foreach (var batch in new[] { new[] { Demo(1) }, [Demo(2), Demo(3), Demo(4)] })
            {
                await producer.SendMessagesAsync(Identifier.String(Stream), Identifier.String(Topic), Partitioning.None(), IggyTransport.ToMessages(batch), ct);
            }

            var polled = await consumer.PollMessagesAsync(Identifier.String(Stream), Identifier.String(Topic), null, Consumer.Group(Group),
                PollingStrategy.Next(), 10, false, ct);

            Assert.Equal((0, 3ul), (polled.PartitionId, polled.CurrentOffset));
            Assert.Equal([((UInt128)1, 0ul), (2, 1), (3, 2), (4, 3)], polled.Messages.Select(message => (message.Header.Id, message.Header.Offset)));
            Assert.All(polled.Messages, message =>
            {
                Assert.Equal(new ProducerApp::IggyAspire.Producer.DemoMessage((long)message.Header.Id, "hello from IggyAspire", sent), Serializer.Deserialize(message.Payload));
                Assert.Equal(new Dictionary<string, string> { ["traceparent"] = span.Id! }, IggyMessageHeaders.ToStrings(message.UserHeaders));
            });
        }

        Assert.Empty(_server.Failures);
    }

    [Fact]
    public async Task A_failure_of_the_server_itself_reaches_the_sdk_as_status_1_and_the_connection_goes_on()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await LoggedInAsync();
        await client.CreateStreamAsync(Stream, ct);
        await client.CreateTopicAsync(Identifier.String(Stream), Topic, 1, token: ct);
        await client.CreateConsumerGroupAsync(Identifier.String(Stream), Identifier.String(Topic), Group, ct);
        await client.JoinConsumerGroupAsync(Identifier.String(Stream), Identifier.String(Topic), Identifier.String(Group), ct);
        await client.SendMessagesAsync(Identifier.String(Stream), Identifier.String(Topic), Partitioning.None(), [new Message((UInt128)1, "one"u8.ToArray())], ct);
        _server.Faults.Push(IggyCommandCodes.PollMessages, IggyFault.FailWith(new FileNotFoundException("Could not load file or assembly 'System.IO.Hashing'.")));
        var clients = _server.ConnectedClientIds;

        var failed = await Assert.ThrowsAsync<IggyInvalidStatusCodeException>(() => client.PollMessagesAsync(Identifier.String(Stream), Identifier.String(Topic), null,
            Consumer.Group(Group), PollingStrategy.Next(), 10, false, ct));
        var polled = await client.PollMessagesAsync(Identifier.String(Stream), Identifier.String(Topic), null, Consumer.Group(Group), PollingStrategy.Next(), 10, false, ct);

        Assert.Equal(1, failed.StatusCode);
        Assert.Equal([(UInt128)1], polled.Messages.Select(message => message.Header.Id));
        Assert.Equal(clients, _server.ConnectedClientIds);
        Assert.Contains("System.IO.Hashing", Assert.Single(_server.Failures), StringComparison.Ordinal);
    }

    private async Task<IIggyClient> ConnectAsync()
    {
        var client = IggyClientFactory.CreateClient(new IggyClientConfigurator { BaseAddress = _server.Address, Protocol = Protocol.Tcp });
        await client.ConnectAsync(TestContext.Current.CancellationToken);
        return client;
    }

    private async Task<IIggyClient> LoggedInAsync()
    {
        var client = await ConnectAsync();
        await client.LoginUserAsync("root", "secret", TestContext.Current.CancellationToken);
        return client;
    }
}
