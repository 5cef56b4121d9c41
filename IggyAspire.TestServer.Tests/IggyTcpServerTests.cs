using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Hashing;
using System.Text;
using IggyAspire.TestServer.Tcp;
using static IggyAspire.TestServer.Tests.RawIggyClient;

namespace IggyAspire.TestServer.Tests;

/// <summary>
/// Every command the test server answers, byte for byte as Apache.Iggy 0.8.0 frames it, and every scripted fault. Answers
/// are decoded at the offsets the SDK's Mappers/BinaryMapper.cs reads.
/// </summary>
public sealed class IggyTcpServerTests : IAsyncDisposable
{
    private const string Stream = "orders";
    private const string Topic = "events";
    private const string Group = "workers";

    private readonly IggyTcpServer _server = IggyTcpServer.Start(new IggyTcpServerOptions { Username = "root", Password = "secret" });

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Ping_needs_no_login_and_answers_an_empty_ok()
    {
        await using var client = await ConnectAsync(_server.Port);

        Assert.Equal((0, 0), Shape(await client.CallAsync(IggyCommandCodes.Ping, [])));
    }

    [Fact]
    public async Task Every_other_command_before_login_is_refused_with_40()
    {
        await using var client = await ConnectAsync(_server.Port);

        Assert.Equal((40, 0), Shape(await client.CallAsync(IggyCommandCodes.CreateStream, Name(Stream))));
        Assert.Equal((40, 0), Shape(await client.CallAsync(IggyCommandCodes.GetClusterMetadata, [])));
        Assert.Equal((40, 0), Shape(await client.CallAsync(IggyCommandCodes.SendMessages, Send(Id(Stream), Id(Topic), [new(1, [1], [])]))));
        // The send's payload was read whole: the connection still frames.
        Assert.Equal((0, 0), Shape(await client.CallAsync(IggyCommandCodes.Ping, [])));
        Assert.Equal(0, _server.Inspect(model => model.ResolveStream(Model.IggyId.Named(Stream)) is null ? 0 : 1));
    }

    [Fact]
    public async Task Login_answers_the_root_user_id_and_42_for_wrong_credentials()
    {
        await using var client = await ConnectAsync(_server.Port);

        Assert.Equal((42, 0), Shape(await client.CallAsync(IggyCommandCodes.LoginUser, Login("root", "wrong"))));
        var (status, body) = await client.CallAsync(IggyCommandCodes.LoginUser, Login("root", "secret"));

        Assert.Equal(0, status);
        Assert.Equal(new byte[] { 0, 0, 0, 0 }, body);
        Assert.Equal([new LoginAttempt(_server.ConnectedClientIds.Single(), "root", false), new LoginAttempt(_server.ConnectedClientIds.Single(), "root", true)], _server.Logins);
        // An empty cluster-metadata answer: no leader to redirect to (TcpMessageStream.cs GetClusterMetadataAsync → null).
        Assert.Equal((0, 0), Shape(await client.CallAsync(IggyCommandCodes.GetClusterMetadata, [])));
    }

    [Fact]
    public async Task Create_and_get_stream_answer_the_stream_as_the_sdk_maps_it()
    {
        await using var client = await LoggedInAsync();

        var (status, created) = await client.CallAsync(IggyCommandCodes.CreateStream, Name(Stream));

        Assert.Equal(0, status);
        // BinaryMapper.cs:602-613 MapToStream: u32 id, u64 created at, u32 topics, u64 size, u64 messages, u8 name length, name.
        Assert.Equal(33 + Stream.Length, created.Length);
        Assert.Equal(0u, U32(created, 0));
        Assert.Equal(0u, U32(created, 12));
        Assert.Equal(Stream, Encoding.UTF8.GetString(created, 33, created[32]));
        Assert.Equal((1012, 0), Shape(await client.CallAsync(IggyCommandCodes.CreateStream, Name(Stream))));

        Assert.Equal(0, (await client.CallAsync(IggyCommandCodes.CreateTopic, CreateTopic(Id(Stream), Topic, 3))).Status);
        var byName = await client.CallAsync(IggyCommandCodes.GetStream, Id(Stream));
        var byNumber = await client.CallAsync(IggyCommandCodes.GetStream, Id(0u));

        Assert.Equal(byName.Body, byNumber.Body);
        Assert.Equal(1u, U32(byName.Body, 12));
        // MapStream (BinaryMapper.cs:577-600): the topic headers follow the stream.
        Assert.Equal(33 + Stream.Length + 51 + Topic.Length, byName.Body.Length);
        Assert.Equal(Topic, Encoding.UTF8.GetString(byName.Body, 33 + Stream.Length + 51, Topic.Length));
        Assert.Equal((0, 0), Shape(await client.CallAsync(IggyCommandCodes.GetStream, Id("missing"))));
        Assert.Equal((0, 0), Shape(await client.CallAsync(IggyCommandCodes.GetStream, Id(7u))));
    }

    [Fact]
    public async Task Create_and_get_topic_answer_the_header_and_each_partition()
    {
        await using var client = await LoggedInAsync();
        await client.CallAsync(IggyCommandCodes.CreateStream, Name(Stream));

        var (status, created) = await client.CallAsync(IggyCommandCodes.CreateTopic, CreateTopic(Id(Stream), Topic, 3));

        Assert.Equal(0, status);
        // BinaryMapper.cs:671-684 MapToTopic, then :702-711 MapToPartition (40 bytes each).
        Assert.Equal(51 + Topic.Length + 3 * 40, created.Length);
        Assert.Equal(0u, U32(created, 0));
        Assert.Equal(3u, U32(created, 12));
        Assert.Equal(1, created[24]);
        Assert.Equal(Topic, Encoding.UTF8.GetString(created, 51, created[50]));
        Assert.Equal([0u, 1u, 2u], Enumerable.Range(0, 3).Select(i => U32(created, 51 + Topic.Length + i * 40)));
        Assert.Equal((2013, 0), Shape(await client.CallAsync(IggyCommandCodes.CreateTopic, CreateTopic(Id(Stream), Topic, 3))));
        Assert.Equal((1009, 0), Shape(await client.CallAsync(IggyCommandCodes.CreateTopic, CreateTopic(Id("missing"), Topic, 3))));

        var byName = await client.CallAsync(IggyCommandCodes.GetTopic, [.. Id(Stream), .. Id(Topic)]);
        var byNumber = await client.CallAsync(IggyCommandCodes.GetTopic, [.. Id(0u), .. Id(0u)]);

        Assert.Equal(created, byName.Body);
        Assert.Equal(created, byNumber.Body);
        Assert.Equal((0, 0), Shape(await client.CallAsync(IggyCommandCodes.GetTopic, [.. Id(Stream), .. Id("missing")])));
        Assert.Equal((0, 0), Shape(await client.CallAsync(IggyCommandCodes.GetTopic, [.. Id("missing"), .. Id(Topic)])));
    }

    [Fact]
    public async Task Create_group_answers_the_group_and_join_and_leave_change_the_membership()
    {
        await using var client = await WithTopicAsync();

        var (status, group) = await client.CallAsync(IggyCommandCodes.CreateConsumerGroup, [.. Id(Stream), .. Id(Topic), .. Name(Group)]);

        // BinaryMapper.cs:875-890 MapToConsumerGroup: u32 id, u32 partitions, u32 members, u8 name length, name.
        Assert.Equal(0, status);
        Assert.Equal([0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, (byte)Group.Length, .. Encoding.UTF8.GetBytes(Group)], group);
        Assert.Equal((5004, 0), Shape(await client.CallAsync(IggyCommandCodes.CreateConsumerGroup, [.. Id(Stream), .. Id(Topic), .. Name(Group)])));

        Assert.Equal((0, 0), Shape(await client.CallAsync(IggyCommandCodes.JoinConsumerGroup, [.. Id(Stream), .. Id(Topic), .. Id(0u)])));
        Assert.Equal("client 1 [0,1,2]", _server.Inspect(model => model.DescribeGroup(Stream, Topic, Group)));
        Assert.Equal((0, 0), Shape(await client.CallAsync(IggyCommandCodes.LeaveConsumerGroup, [.. Id(Stream), .. Id(Topic), .. Id(Group)])));
        Assert.Equal("no members", _server.Inspect(model => model.DescribeGroup(Stream, Topic, Group)));
        Assert.Equal((5006, 0), Shape(await client.CallAsync(IggyCommandCodes.LeaveConsumerGroup, [.. Id(Stream), .. Id(Topic), .. Id(Group)])));
        Assert.Equal((5000, 0), Shape(await client.CallAsync(IggyCommandCodes.JoinConsumerGroup, [.. Id(Stream), .. Id(Topic), .. Id("missing")])));
    }

    [Fact]
    public async Task Sent_messages_come_back_from_a_group_poll_with_ids_offsets_payloads_and_user_headers()
    {
        await using var client = await WithGroupAsync(partitions: 1);
        var headers = StringHeader("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        var before = DateTimeOffset.UtcNow;

        Assert.Equal((0, 0), Shape(await client.CallAsync(IggyCommandCodes.SendMessages, Send(Id(Stream), Id(Topic),
            [new(11, "first"u8.ToArray(), headers, OriginTimestamp: 1234), new(12, "second"u8.ToArray(), [])]))));
        var (status, body) = await client.CallAsync(IggyCommandCodes.PollMessages, Poll(2, Id(Group), Id(Stream), Id(Topic), null, 5, 0, 10));

        Assert.Equal(0, status);
        var polled = ParsePolled(body);
        Assert.Equal((0u, 1ul, 2u), (polled.PartitionId, polled.CurrentOffset, polled.Count));
        Assert.Equal([(11, 0ul, "first", headers, 1234ul), (12, 1ul, "second", [], 0ul)],
            polled.Messages.Select(message => (message.Id, message.Offset, Encoding.UTF8.GetString(message.Payload), message.Headers, message.OriginTimestamp)));
        Assert.All(polled.Messages, message => Assert.InRange(message.Timestamp, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1)));
        Assert.All(polled.Messages, message => Assert.Equal(XxHash3.HashToUInt64(message.Raw.AsSpan(8)), message.Checksum));

        // Nothing stored: the next poll reads from the start again (ops.rs:99-121); after a store, from past it.
        Assert.Equal(2u, ParsePolled((await client.CallAsync(IggyCommandCodes.PollMessages, Poll(2, Id(Group), Id(Stream), Id(Topic), null, 5, 0, 10))).Body).Count);
        Assert.Equal((0, 0), Shape(await client.CallAsync(IggyCommandCodes.StoreConsumerOffset, StoreOffset(Id(Group), Id(Stream), Id(Topic), 0, 0))));
        var next = ParsePolled((await client.CallAsync(IggyCommandCodes.PollMessages, Poll(2, Id(Group), Id(Stream), Id(Topic), null, 5, 0, 10))).Body);
        Assert.Equal([1ul], next.Messages.Select(message => message.Offset));
    }

    [Fact]
    public async Task A_plain_consumer_polls_the_last_message_of_a_partition()
    {
        await using var client = await WithTopicAsync();
        await client.CallAsync(IggyCommandCodes.SendMessages, Send(Id(Stream), Id(Topic), [new(1, [1], []), new(2, [2], [])], partitionId: 2));

        var polled = ParsePolled((await client.CallAsync(IggyCommandCodes.PollMessages, Poll(1, Id("tail"), Id(Stream), Id(Topic), 2, 4, 0, 1))).Body);
        var empty = ParsePolled((await client.CallAsync(IggyCommandCodes.PollMessages, Poll(1, Id("tail"), Id(Stream), Id(Topic), 0, 4, 0, 1))).Body);

        Assert.Equal((2u, 1ul), (polled.PartitionId, polled.CurrentOffset));
        Assert.Equal([(UInt128)2], polled.Messages.Select(message => message.Id));
        Assert.Equal((0u, 0u), (empty.PartitionId, empty.Count));
    }

    [Fact]
    public async Task Store_and_get_offset_and_get_offset_answers_empty_when_nothing_is_stored()
    {
        await using var client = await WithGroupAsync(partitions: 1);
        await client.CallAsync(IggyCommandCodes.SendMessages, Send(Id(Stream), Id(Topic), [new(1, [1], []), new(2, [2], []), new(3, [3], [])]));

        // get_consumer_offset_handler.rs:68-71: no stored offset → an empty OK, which the SDK reads as null.
        Assert.Equal((0, 0), Shape(await client.CallAsync(IggyCommandCodes.GetConsumerOffset, GetOffset(Id(Group), Id(Stream), Id(Topic), 0))));
        Assert.Equal((4100, 0), Shape(await client.CallAsync(IggyCommandCodes.StoreConsumerOffset, StoreOffset(Id(Group), Id(Stream), Id(Topic), 0, 9))));
        Assert.Equal((0, 0), Shape(await client.CallAsync(IggyCommandCodes.StoreConsumerOffset, StoreOffset(Id(Group), Id(Stream), Id(Topic), 0, 1))));
        var (status, body) = await client.CallAsync(IggyCommandCodes.GetConsumerOffset, GetOffset(Id(Group), Id(Stream), Id(Topic), 0));

        // BinaryMapper.cs:325-337 MapOffsets: u32 partition id, u64 current offset, u64 stored offset.
        Assert.Equal(0, status);
        Assert.Equal((0u, 2ul, 1ul), (U32(body, 0), U64(body, 4), U64(body, 12)));
        Assert.Equal(body, (await client.CallAsync(IggyCommandCodes.GetConsumerOffset, GetOffset(Id(Group), Id(Stream), Id(Topic), null))).Body);
        // Anything missing reads as nothing stored (get_consumer_offset_handler.rs:46-66).
        Assert.Equal((0, 0), Shape(await client.CallAsync(IggyCommandCodes.GetConsumerOffset, GetOffset(Id("missing"), Id(Stream), Id(Topic), 0))));
        Assert.Equal((0, 0), Shape(await client.CallAsync(IggyCommandCodes.GetConsumerOffset, GetOffset(Id(Group), Id(Stream), Id(Topic), 5))));
        Assert.Equal((0, 0), Shape(await client.CallAsync(IggyCommandCodes.GetConsumerOffset, GetOffset(Id(Group), Id("missing"), Id(Topic), 0))));
    }

    [Fact]
    public async Task A_late_answer_arrives_after_the_delay_and_is_applied()
    {
        await using var client = await LoggedInAsync();
        _server.Faults.Push(IggyCommandCodes.CreateStream, IggyFault.AnswerLate(TimeSpan.FromMilliseconds(250)));

        var watch = Stopwatch.StartNew();
        var (status, _) = await client.CallAsync(IggyCommandCodes.CreateStream, Name(Stream));

        Assert.Equal(0, status);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(240), RawIggyClient.Bound);
        watch.Restart();
        Assert.Equal((1012, 0), Shape(await client.CallAsync(IggyCommandCodes.CreateStream, Name(Stream))));
        Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(200), "only the first create was late");
    }

    [Fact]
    public async Task Never_answer_keeps_the_socket_open_without_a_byte_and_applies_nothing()
    {
        await using var client = await LoggedInAsync();
        _server.Faults.Push(IggyCommandCodes.CreateStream, IggyFault.NeverAnswer());

        await client.SendAsync(IggyCommandCodes.CreateStream, Name(Stream));
        Assert.False(await client.ReceivesAnythingAsync(TimeSpan.FromMilliseconds(300)));
        await client.SendAsync(IggyCommandCodes.Ping, []);
        Assert.False(await client.ReceivesAnythingAsync(TimeSpan.FromMilliseconds(200)));

        var clientId = _server.ConnectedClientIds.Single();
        Assert.Equal([IggyCommandCodes.LoginUser, IggyCommandCodes.CreateStream, IggyCommandCodes.Ping], _server.CommandsOf(clientId));
        Assert.Null(_server.Inspect(model => model.ResolveStream(Model.IggyId.Named(Stream))));
    }

    [Fact]
    public async Task Closing_on_a_command_deletes_the_client_and_rebalances_its_group()
    {
        await using var first = await WithGroupAsync(partitions: 2);
        await using var second = await LoggedInAsync();
        await second.CallAsync(IggyCommandCodes.JoinConsumerGroup, [.. Id(Stream), .. Id(Topic), .. Id(Group)]);
        Assert.Equal("client 1 [0]; client 2 [1]", _server.Inspect(model => model.DescribeGroup(Stream, Topic, Group)));
        _server.Faults.Push(IggyCommandCodes.PollMessages, IggyFault.CloseConnection());

        await second.SendAsync(IggyCommandCodes.PollMessages, Poll(2, Id(Group), Id(Stream), Id(Topic), null, 5, 0, 10));

        Assert.True(await second.IsClosedByServerAsync(RawIggyClient.Bound));
        await WaitUntilAsync(() => _server.ConnectedClientIds.SequenceEqual([1L]));
        Assert.Equal("client 1 [0,1]", _server.Inspect(model => model.DescribeGroup(Stream, Topic, Group)));
    }

    [Fact]
    public async Task Closing_after_applying_keeps_the_change_and_sends_no_answer()
    {
        await using var client = await LoggedInAsync();
        _server.Faults.Push(IggyCommandCodes.CreateStream, IggyFault.CloseConnection(afterApplying: true));

        await client.SendAsync(IggyCommandCodes.CreateStream, Name(Stream));

        Assert.True(await client.IsClosedByServerAsync(RawIggyClient.Bound));
        Assert.Equal(Stream, _server.Inspect(model => model.ResolveStream(Model.IggyId.Named(Stream))));
    }

    [Fact]
    public async Task A_refusal_answers_its_status_with_no_payload_and_applies_nothing()
    {
        await using var client = await LoggedInAsync();
        _server.Faults.Push(IggyCommandCodes.CreateStream, IggyFault.Refuse(1234), times: 2);

        Assert.Equal((1234, 0), Shape(await client.CallAsync(IggyCommandCodes.CreateStream, Name(Stream))));
        Assert.Equal((1234, 0), Shape(await client.CallAsync(IggyCommandCodes.CreateStream, Name(Stream))));
        Assert.Null(_server.Inspect(model => model.ResolveStream(Model.IggyId.Named(Stream))));
        Assert.Equal(0, (await client.CallAsync(IggyCommandCodes.CreateStream, Name(Stream))).Status);
    }

    [Fact]
    public async Task A_garbage_answer_is_a_well_formed_ok_frame_with_the_given_body_and_applies_nothing()
    {
        await using var client = await LoggedInAsync();
        _server.Faults.Push(IggyCommandCodes.CreateStream, IggyFault.AnswerGarbage([0xde, 0xad, 0xbe]));

        var (status, body) = await client.CallAsync(IggyCommandCodes.CreateStream, Name(Stream));

        Assert.Equal(0, status);
        Assert.Equal(new byte[] { 0xde, 0xad, 0xbe }, body);
        Assert.Null(_server.Inspect(model => model.ResolveStream(Model.IggyId.Named(Stream))));
        Assert.Equal(0, (await client.CallAsync(IggyCommandCodes.CreateStream, Name(Stream))).Status);
    }

    [Fact]
    public async Task A_standing_rule_applies_until_cleared()
    {
        await using var client = await LoggedInAsync();
        _server.Faults.Always(IggyCommandCodes.Ping, IggyFault.Refuse(5));

        Assert.Equal((5, 0), Shape(await client.CallAsync(IggyCommandCodes.Ping, [])));
        Assert.Equal((5, 0), Shape(await client.CallAsync(IggyCommandCodes.Ping, [])));
        _server.Faults.Clear();
        Assert.Equal((0, 0), Shape(await client.CallAsync(IggyCommandCodes.Ping, [])));
    }

    [Fact]
    public async Task A_restart_closes_every_connection_forgets_memberships_and_keeps_the_data()
    {
        await using var client = await WithGroupAsync(partitions: 1);
        await client.CallAsync(IggyCommandCodes.SendMessages, Send(Id(Stream), Id(Topic), [new(1, [1], [])]));
        await client.CallAsync(IggyCommandCodes.StoreConsumerOffset, StoreOffset(Id(Group), Id(Stream), Id(Topic), 0, 0));

        var restart = _server.RestartAsync(TimeSpan.FromMilliseconds(300));
        Assert.True(await client.IsClosedByServerAsync(RawIggyClient.Bound));
        await using (var during = await ConnectAsync(_server.Port))
        {
            Assert.True(_server.IsDown);
            Assert.True(await during.IsClosedByServerAsync(RawIggyClient.Bound));
        }

        await restart;
        Assert.Empty(_server.ConnectedClientIds);
        await using var again = await LoggedInAsync();
        Assert.Equal("no members", _server.Inspect(model => model.DescribeGroup(Stream, Topic, Group)));
        var offset = await again.CallAsync(IggyCommandCodes.GetConsumerOffset, GetOffset(Id(Group), Id(Stream), Id(Topic), 0));
        Assert.Equal((0u, 0ul, 0ul), (U32(offset.Body, 0), U64(offset.Body, 4), U64(offset.Body, 12)));
        Assert.Equal(1, _server.Inspect(model => model.Restarts));
    }

    [Fact]
    public async Task An_announced_restart_writes_status_8_before_closing()
    {
        await using var client = await LoggedInAsync();

        await _server.RestartAsync(announce: true);

        Assert.Equal((8, 0), Shape(await client.ReadAsync()));
        Assert.True(await client.IsClosedByServerAsync(RawIggyClient.Bound));
    }

    [Fact]
    public async Task A_producer_send_of_one_and_of_several_messages_sharing_one_traceparent_comes_back_from_a_group_poll_with_its_headers()
    {
        // IggyTransport.ToMessages gives every message of a send the same header map, so each carries the same bytes.
        await using var client = await WithGroupAsync(partitions: 1);
        var headers = StringHeader("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        byte[] Json(int id) => Encoding.UTF8.GetBytes($$"""{"id":{{id}},"text":"hello from IggyAspire","ts":"2026-05-04T09:56:17.123+00:00"}""");

        Assert.Equal((0, 0), Shape(await client.CallAsync(IggyCommandCodes.SendMessages, Send(Id(Stream), Id(Topic), [new(1, Json(1), headers)]))));
        Assert.Equal((0, 0), Shape(await client.CallAsync(IggyCommandCodes.SendMessages, Send(Id(Stream), Id(Topic),
            [new(2, Json(2), headers), new(3, Json(3), headers), new(4, Json(4), headers)]))));
        var (status, body) = await client.CallAsync(IggyCommandCodes.PollMessages, Poll(2, Id(Group), Id(Stream), Id(Topic), null, 5, 0, 10));

        Assert.Equal(0, status);
        var polled = ParsePolled(body);
        Assert.Equal((0u, 3ul, 4u), (polled.PartitionId, polled.CurrentOffset, polled.Count));
        Assert.Equal([1, 2, 3, 4], polled.Messages.Select(message => (int)message.Id));
        Assert.Equal([0ul, 1, 2, 3], polled.Messages.Select(message => message.Offset));
        Assert.All(polled.Messages, message => Assert.Equal(Json((int)message.Id), message.Payload));
        Assert.All(polled.Messages, message => Assert.Equal(headers, message.Headers));
        Assert.All(polled.Messages, message => Assert.Equal(XxHash3.HashToUInt64(message.Raw.AsSpan(8)), message.Checksum));
        Assert.Empty(_server.Failures);
    }

    [Fact]
    public async Task A_failure_of_the_server_itself_answers_1_keeps_the_connection_and_is_reported_never_as_a_stale_client()
    {
        // What a runner missing System.IO.Hashing.dll got on every poll with messages: FileNotFoundException is an IOException.
        await using var client = await WithGroupAsync(partitions: 1);
        await client.CallAsync(IggyCommandCodes.SendMessages, Send(Id(Stream), Id(Topic), [new(1, [1], [])]));
        _server.Faults.Push(IggyCommandCodes.PollMessages, IggyFault.FailWith(new FileNotFoundException("Could not load file or assembly 'System.IO.Hashing'.")));

        var failed = await client.CallAsync(IggyCommandCodes.PollMessages, Poll(2, Id(Group), Id(Stream), Id(Topic), null, 5, 0, 10));
        var next = await client.CallAsync(IggyCommandCodes.PollMessages, Poll(2, Id(Group), Id(Stream), Id(Topic), null, 5, 0, 10));

        Assert.Equal((1, 0), Shape(failed));
        Assert.Equal((0, 1u), (next.Status, ParsePolled(next.Body).Count));
        var failure = Assert.Single(_server.Failures);
        Assert.Contains("command 100: answered 1", failure, StringComparison.Ordinal);
        Assert.Contains("System.IO.Hashing", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_send_that_does_not_decode_answers_3_keeps_the_connection_and_is_reported()
    {
        await using var client = await WithTopicAsync(partitions: 1);
        var send = Send(Id(Stream), Id(Topic), [new(1, "payload"u8.ToArray(), StringHeader("traceparent", "00-x"))]);

        var truncated = await client.CallAsync(IggyCommandCodes.SendMessages, send[..^3]);

        Assert.Equal((3, 0), Shape(truncated));
        Assert.Equal(0, (await client.CallAsync(IggyCommandCodes.Ping, [])).Status);
        Assert.Contains("command 101: answered 3", Assert.Single(_server.Failures), StringComparison.Ordinal);
        Assert.Equal(0ul, _server.Inspect(model => model.GetTopic(Stream, Topic)!.MessagesCount));
    }

    [Fact]
    public async Task A_request_from_a_client_the_model_no_longer_has_answers_30_and_closes()
    {
        await using var client = await WithGroupAsync(partitions: 1);
        var clientId = _server.ConnectedClientIds.Single();
        _server.Inspect(model =>
        {
            model.Disconnect(clientId);
            return 0;
        });

        Assert.Equal((30, 0), Shape(await client.CallAsync(IggyCommandCodes.PollMessages, Poll(2, Id(Group), Id(Stream), Id(Topic), null, 5, 0, 10))));
        Assert.True(await client.IsClosedByServerAsync(RawIggyClient.Bound));
        Assert.Empty(_server.Failures);
    }

    private async Task<RawIggyClient> LoggedInAsync()
    {
        var client = await ConnectAsync(_server.Port);
        Assert.Equal(0, (await client.CallAsync(IggyCommandCodes.LoginUser, Login("root", "secret"))).Status);
        return client;
    }

    private async Task<RawIggyClient> WithTopicAsync(uint partitions = 3)
    {
        var client = await LoggedInAsync();
        Assert.Equal(0, (await client.CallAsync(IggyCommandCodes.CreateStream, Name(Stream))).Status);
        Assert.Equal(0, (await client.CallAsync(IggyCommandCodes.CreateTopic, CreateTopic(Id(Stream), Topic, partitions))).Status);
        return client;
    }

    private async Task<RawIggyClient> WithGroupAsync(uint partitions)
    {
        var client = await WithTopicAsync(partitions);
        Assert.Equal(0, (await client.CallAsync(IggyCommandCodes.CreateConsumerGroup, [.. Id(Stream), .. Id(Topic), .. Name(Group)])).Status);
        Assert.Equal(0, (await client.CallAsync(IggyCommandCodes.JoinConsumerGroup, [.. Id(Stream), .. Id(Topic), .. Id(Group)])).Status);
        return client;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + RawIggyClient.Bound;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(10);
        }
    }

    private static (int Status, int Length) Shape((int Status, byte[] Body) answer) => (answer.Status, answer.Body.Length);

    private static uint U32(byte[] bytes, int at) => BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at));

    private static ulong U64(byte[] bytes, int at) => BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at));

    private sealed record PolledMessage(ulong Checksum, UInt128 Id, ulong Offset, DateTimeOffset Timestamp, ulong OriginTimestamp, byte[] Payload, byte[] Headers, byte[] Raw);

    private sealed record Polled(uint PartitionId, ulong CurrentOffset, uint Count, IReadOnlyList<PolledMessage> Messages);

    /// <summary>BinaryMapper.cs:339-432 MapMessages: u32 partition, u64 current offset, u32 count, then 64-byte headers, payloads, user headers.</summary>
    private static Polled ParsePolled(byte[] body)
    {
        var messages = new List<PolledMessage>();
        var position = 16;
        while (position < body.Length)
        {
            var headersLength = (int)U32(body, position + 48);
            var payloadLength = (int)U32(body, position + 52);
            var size = 64 + payloadLength + headersLength;
            messages.Add(new PolledMessage(
                U64(body, position),
                BinaryPrimitives.ReadUInt128LittleEndian(body.AsSpan(position + 8)),
                U64(body, position + 24),
                DateTimeOffset.UnixEpoch.AddTicks((long)U64(body, position + 32) * 10),
                U64(body, position + 40),
                body[(position + 64)..(position + 64 + payloadLength)],
                body[(position + 64 + payloadLength)..(position + size)],
                body[position..(position + size)]));
            position += size;
        }

        return new Polled(U32(body, 0), U64(body, 4), U32(body, 12), messages);
    }
}
