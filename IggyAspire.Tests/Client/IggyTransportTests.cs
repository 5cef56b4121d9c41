using System.Diagnostics;
using System.Text;
using Apache.Iggy.Headers;
using IggyAspire.Client;
using IggyAspire.Messaging.Transport;

namespace IggyAspire.Tests.Client;

public sealed class IggyTransportTests
{
    [Fact]
    public void Every_message_of_a_send_keeps_its_id_and_payload_and_carries_the_send_spans_context()
    {
        using var send = new Activity("send demo-topic").SetIdFormat(ActivityIdFormat.W3C).Start();
        OutgoingMessage[] outgoing = [new(1, Encoding.UTF8.GetBytes("one")), new(2, Encoding.UTF8.GetBytes("two"))];

        var messages = IggyTransport.ToMessages(outgoing);
        send.Stop();

        Assert.Equal([(UInt128)1, 2], messages.Select(message => message.Header.Id));
        Assert.Equal(["one", "two"], messages.Select(message => Encoding.UTF8.GetString(message.Payload)));
        Assert.All(messages, message => Assert.Equal(send.Id, message.UserHeaders![HeaderKey.FromString("traceparent")].ToString()));
    }

    [Fact]
    public void Outside_a_span_messages_are_sent_without_headers()
    {
        Activity.Current = null;

        var messages = IggyTransport.ToMessages([new(1, [1])]);

        Assert.Null(Assert.Single(messages).UserHeaders);
    }
}
