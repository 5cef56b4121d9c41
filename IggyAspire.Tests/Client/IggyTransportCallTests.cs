using System.Text;
using Apache.Iggy;
using Apache.Iggy.Contracts;
using Apache.Iggy.Enums;
using Apache.Iggy.Exceptions;
using Apache.Iggy.Headers;
using Apache.Iggy.Kinds;
using Apache.Iggy.Messages;
using IggyAspire.Client;
using IggyAspire.Messaging.Connection;
using IggyAspire.Messaging.Transport;

namespace IggyAspire.Tests.Client;

/// <summary>
/// What <see cref="IggyTransport"/> asks Apache.Iggy for, argument by argument, and how it reads the answers and the
/// server's error codes: against a fake client, so each mistake shows as a wrong argument rather than as a
/// redelivery or a duplicate on a real server much later.
/// </summary>
public sealed class IggyTransportCallTests
{
    private readonly FakeIggyClient _fake;
    private readonly IggyTransport _transport;

    public IggyTransportCallTests()
    {
        (_fake, var client) = FakeIggyClient.Create();
        _transport = new IggyTransport(IggyClientConnection.Over(client, new IggyServerAddress("iggy.test", 8090)));
    }

    [Fact]
    public async Task The_group_poll_asks_for_the_next_messages_of_any_assigned_partition_without_committing()
    {
        _fake.Answer("PollMessagesAsync", _ => Polled(partitionId: 2, currentOffset: 9));

        await _transport.PollNextAsync("demo-stream", "demo-topic", "demo-consumers", 10, TestContext.Current.CancellationToken);

        var call = Assert.Single(_fake.CallsTo("PollMessagesAsync"));
        Assert.Equal("demo-stream", ((Identifier)call[0]!).GetString());
        Assert.Equal("demo-topic", ((Identifier)call[1]!).GetString());
        Assert.Null(call[2]);
        var consumer = (Consumer)call[3]!;
        Assert.Equal((ConsumerType.ConsumerGroup, "demo-consumers"), (consumer.Type, consumer.ConsumerId.GetString()));
        Assert.Equal(MessagePolling.Next, ((PollingStrategy)call[4]!).Kind);
        Assert.Equal(10u, call[5]);
        // At-least-once: the consumer stores the offset itself after processing; a committing poll would lose a batch
        // that a crash interrupts.
        Assert.False((bool)call[6]!, "the group poll commits on poll (autoCommit: true)");
    }

    [Fact]
    public async Task A_polled_batch_keeps_its_partition_offsets_ids_payloads_and_headers()
    {
        var headers = new Dictionary<HeaderKey, HeaderValue> { [HeaderKey.FromString("traceparent")] = HeaderValue.FromString("00-abc-def-01") };
        _fake.Answer("PollMessagesAsync", _ => Polled(partitionId: 2, currentOffset: 9, Response(offset: 7, id: 42, "seven", headers), Response(offset: 8, id: 43, "eight")));

        var batch = await _transport.PollNextAsync("demo-stream", "demo-topic", "demo-consumers", 10, TestContext.Current.CancellationToken);

        Assert.Equal((2u, 9UL), (batch.PartitionId, batch.CurrentOffset));
        Assert.Equal([(2u, 7UL, (UInt128)42, "seven"), (2u, 8UL, (UInt128)43, "eight")],
            batch.Messages.Select(message => (message.PartitionId, message.Offset, message.Id, Encoding.UTF8.GetString(message.Payload.Span))));
        Assert.Equal("00-abc-def-01", batch.Messages[0].Headers["traceparent"]);
        Assert.Empty(batch.Messages[1].Headers);
    }

    [Fact]
    public async Task Storing_names_the_group_the_partition_and_the_offset()
    {
        await _transport.StoreOffsetAsync("demo-stream", "demo-topic", "demo-consumers", partitionId: 2, offset: 8, TestContext.Current.CancellationToken);

        var call = Assert.Single(_fake.CallsTo("StoreOffsetAsync"));
        var consumer = (Consumer)call[0]!;
        Assert.Equal((ConsumerType.ConsumerGroup, "demo-consumers"), (consumer.Type, consumer.ConsumerId.GetString()));
        Assert.Equal(("demo-stream", "demo-topic"), (((Identifier)call[1]!).GetString(), ((Identifier)call[2]!).GetString()));
        Assert.Equal((8UL, (uint?)2u), ((ulong)call[3]!, (uint?)call[4]));
    }

    [Theory]
    [InlineData(IggyErrorCodes.NotResolvedConsumer)]
    [InlineData(IggyErrorCodes.ConsumerGroupMemberNotFound)]
    public async Task A_refused_store_reaches_the_core_with_the_servers_status_code(int refusal)
    {
        _fake.Refuse("StoreOffsetAsync", refusal);

        var error = await Assert.ThrowsAsync<IggyStatusException>(() => _transport.StoreOffsetAsync("demo-stream", "demo-topic", "demo-consumers", 2, 8, TestContext.Current.CancellationToken));

        Assert.Equal(refusal, error.StatusCode);
        Assert.IsType<IggyInvalidStatusCodeException>(error.InnerException);
    }

    [Theory]
    [InlineData("CreateStreamAsync", IggyErrorCodes.StreamNameAlreadyExists)]
    [InlineData("CreateTopicAsync", IggyErrorCodes.TopicNameAlreadyExists)]
    [InlineData("CreateConsumerGroupAsync", IggyErrorCodes.ConsumerGroupNameAlreadyExists)]
    public async Task Creating_what_already_exists_is_success_reported_as_not_created(string method, int alreadyExists)
    {
        Assert.True(await CreateAsync(method), "a create that the server accepted is not reported as created");

        _fake.Refuse(method, alreadyExists);

        Assert.False(await CreateAsync(method));
    }

    [Theory]
    [InlineData("CreateStreamAsync")]
    [InlineData("CreateTopicAsync")]
    [InlineData("CreateConsumerGroupAsync")]
    public async Task Any_other_error_of_a_create_reaches_the_caller(string method)
    {
        _fake.Refuse(method, IggyErrorCodes.Unauthenticated);

        var error = await Assert.ThrowsAsync<IggyInvalidStatusCodeException>(() => CreateAsync(method));

        Assert.Equal(IggyErrorCodes.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task The_topic_is_created_with_the_configured_partitions()
    {
        await _transport.CreateTopicAsync("demo-stream", "demo-topic", 3, TestContext.Current.CancellationToken);

        var call = Assert.Single(_fake.CallsTo("CreateTopicAsync"));
        Assert.Equal(("demo-stream", "demo-topic", 3u), (((Identifier)call[0]!).GetString(), (string)call[1]!, (uint)call[2]!));
    }

    [Fact]
    public async Task The_newest_messages_are_read_from_every_partition_the_topic_has_on_the_server()
    {
        // The topic was created earlier with 5 partitions; this worker is configured for 3. The highest id is in
        // partition 4: reading only the configured partitions would let ids restart lower.
        _fake.Answer("GetTopicByIdAsync", _ => Topic(partitions: 5));
        _fake.Answer("PollMessagesAsync", arguments =>
        {
            var partitionId = (uint)arguments[2]!;
            var id = partitionId == 4 ? 500UL : partitionId + 1;
            return Polled((int)partitionId, currentOffset: 20, Response(offset: 20, id: id, $"tail of {partitionId}"));
        });

        var last = await _transport.ReadLastMessagesAsync("demo-stream", "demo-topic", TestContext.Current.CancellationToken);

        Assert.Equal([0u, 1u, 2u, 3u, 4u], last.Select(message => message.PartitionId));
        Assert.Equal((UInt128)500, last.Max(message => message.Id));
        var topic = Assert.Single(_fake.CallsTo("GetTopicByIdAsync"));
        Assert.Equal(("demo-stream", "demo-topic"), (((Identifier)topic[0]!).GetString(), ((Identifier)topic[1]!).GetString()));
    }

    [Fact]
    public async Task Each_tail_is_one_message_polled_with_strategy_Last_by_a_plain_consumer_that_never_commits()
    {
        _fake.Answer("GetTopicByIdAsync", _ => Topic(partitions: 2));
        _fake.Answer("PollMessagesAsync", arguments => Polled((int)(uint)arguments[2]!, currentOffset: 0));

        await _transport.ReadLastMessagesAsync("demo-stream", "demo-topic", TestContext.Current.CancellationToken);

        var polls = _fake.CallsTo("PollMessagesAsync");
        Assert.Equal([0u, 1u], polls.Select(call => (uint)call[2]!));
        Assert.All(polls, call =>
        {
            Assert.Equal(ConsumerType.Consumer, ((Consumer)call[3]!).Type);
            Assert.Equal(MessagePolling.Last, ((PollingStrategy)call[4]!).Kind);
            Assert.Equal(1u, call[5]);
            Assert.False((bool)call[6]!, "peeking at a tail commits an offset");
        });
    }

    [Fact]
    public async Task A_topic_the_server_does_not_know_has_no_newest_messages()
    {
        var last = await _transport.ReadLastMessagesAsync("demo-stream", "demo-topic", TestContext.Current.CancellationToken);

        Assert.Empty(last);
        Assert.Empty(_fake.CallsTo("PollMessagesAsync"));
    }

    private Task<bool> CreateAsync(string method) => method switch
    {
        "CreateStreamAsync" => _transport.CreateStreamAsync("demo-stream", TestContext.Current.CancellationToken),
        "CreateTopicAsync" => _transport.CreateTopicAsync("demo-stream", "demo-topic", 3, TestContext.Current.CancellationToken),
        "CreateConsumerGroupAsync" => _transport.CreateConsumerGroupAsync("demo-stream", "demo-topic", "demo-consumers", TestContext.Current.CancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "not a create"),
    };

    private static TopicResponse Topic(uint partitions) => new()
    {
        Id = 1,
        CreatedAt = DateTimeOffset.UnixEpoch,
        Name = "demo-topic",
        Size = 0,
        MaxTopicSize = 0,
        MessagesCount = 0,
        PartitionsCount = partitions,
        ReplicationFactor = null,
    };

    private static PolledMessages Polled(int partitionId, ulong currentOffset, params MessageResponse[] messages) =>
        new() { PartitionId = partitionId, CurrentOffset = currentOffset, Messages = messages };

    private static MessageResponse Response(ulong offset, UInt128 id, string payload, Dictionary<HeaderKey, HeaderValue>? headers = null) => new()
    {
        Header = new MessageHeader { Offset = offset, Id = id, Timestamp = DateTimeOffset.UnixEpoch },
        Payload = Encoding.UTF8.GetBytes(payload),
        UserHeaders = headers,
    };
}
