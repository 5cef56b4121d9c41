extern alias ConsumerApp;

using System.Text;
using Apache.Iggy;
using Apache.Iggy.Headers;
using Apache.Iggy.Kinds;
using Apache.Iggy.Messages;
using IggyAspire.Messaging;
using IggyAspire.TestServer.Tcp;

namespace IggyAspire.Tests.TestServer;

/// <summary>
/// The consumer's real host with the dead-letter policy and the real Apache.Iggy 0.8.0 client on a real socket: a
/// payload it cannot read is parked, headers and all, in the dead-letter topic it created, read back through the SDK.
/// </summary>
public sealed class DeadLetterTests : IAsyncDisposable
{
    private readonly IggyTcpServer _server = IggyTcpServer.Start(new IggyTcpServerOptions { Username = "iggy", Password = "secret" });
    private readonly DemoOverTestServer _demo;

    public DeadLetterTests() => _demo = new DemoOverTestServer(_server);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_payload_the_consumer_cannot_read_is_parked_with_its_headers_and_why_and_the_next_message_is_handled()
    {
        await using var consumer = await _demo.StartConsumerAsync(logs: null, ("Aspire:Apache:Iggy:Consumer:FailurePolicy", "DeadLetter"));
        using var client = await _demo.PlainClientAsync();
        var headers = new Dictionary<HeaderKey, HeaderValue> { [HeaderKey.FromString("tenant")] = HeaderValue.FromString("a") };
        await client.SendMessagesAsync(Identifier.String(DemoOverTestServer.Stream), Identifier.String(DemoOverTestServer.Topic), Partitioning.None(),
            [new Message(Guid.NewGuid(), Encoding.UTF8.GetBytes("{not json"), headers)], TestContext.Current.CancellationToken);
        await _demo.SendAsync(client, 1);

        await _demo.WaitForStoredOffsetAsync(1);
        var parked = await client.PollMessagesAsync(Identifier.String(DemoOverTestServer.Stream), Identifier.String($"{DemoOverTestServer.Topic}-dead-letter"), 0,
            Consumer.New("dead-letter-reader"), PollingStrategy.First(), 10, autoCommit: false, TestContext.Current.CancellationToken);

        var message = Assert.Single(parked.Messages);
        Assert.Equal("{not json", Encoding.UTF8.GetString(message.Payload));
        var read = message.UserHeaders!.ToDictionary(header => header.Key.ToString(), header => header.Value.ToString());
        Assert.Equal("a", read["tenant"]);
        Assert.Equal((DemoOverTestServer.Topic, "0", "0", "invalid_payload"),
            (read[IggyDeadLetterHeaders.Topic], read[IggyDeadLetterHeaders.PartitionId], read[IggyDeadLetterHeaders.Offset], read[IggyDeadLetterHeaders.ErrorType]));
        Assert.False(string.IsNullOrEmpty(read[IggyDeadLetterHeaders.ErrorMessage]));
        Assert.Equal(1UL, _demo.StoredOffset());
    }
}
