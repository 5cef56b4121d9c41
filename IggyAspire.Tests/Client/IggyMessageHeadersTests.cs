using System.Diagnostics;
using Apache.Iggy.Headers;
using IggyAspire.Client;
using IggyAspire.Messaging.Telemetry;

namespace IggyAspire.Tests.Client;

public sealed class IggyMessageHeadersTests
{
    [Fact]
    public void Outside_a_span_a_message_carries_no_headers()
    {
        Activity.Current = null;

        Assert.Null(IggyMessageHeaders.FromCurrentActivity());
    }

    [Fact]
    public void The_current_span_travels_as_W3C_headers_and_comes_back_as_its_context()
    {
        using var activity = new Activity("send demo-topic").SetIdFormat(ActivityIdFormat.W3C);
        activity.TraceStateString = "iggy=1";
        activity.Start();

        var headers = IggyMessageHeaders.FromCurrentActivity();
        activity.Stop();

        Assert.NotNull(headers);
        var received = IggyMessageHeaders.ToStrings(headers);
        Assert.Equal(activity.Id, received["traceparent"]);
        Assert.Equal("iggy=1", received["tracestate"]);
        var context = TraceContextPropagation.Extract(received);
        Assert.Equal(activity.TraceId, context.TraceId);
        Assert.Equal(activity.SpanId, context.SpanId);
    }

    [Fact]
    public void Trace_state_longer_than_an_Iggy_header_value_is_dropped_not_sent_broken()
    {
        using var activity = new Activity("send demo-topic").SetIdFormat(ActivityIdFormat.W3C);
        activity.TraceStateString = "vendor=" + new string('x', 300);
        activity.Start();

        var headers = IggyMessageHeaders.FromCurrentActivity();
        activity.Stop();

        var received = IggyMessageHeaders.ToStrings(headers);
        Assert.True(received.ContainsKey("traceparent"));
        Assert.False(received.ContainsKey("tracestate"));
    }

    [Fact]
    public void Headers_that_are_not_strings_are_left_out_of_the_string_view()
    {
        var headers = new Dictionary<HeaderKey, HeaderValue>
        {
            [HeaderKey.FromString("tenant")] = HeaderValue.FromString("blue"),
            [HeaderKey.FromString("attempt")] = HeaderValue.FromInt32(3),
        };

        var received = IggyMessageHeaders.ToStrings(headers);

        Assert.Equal("blue", Assert.Single(received).Value);
    }
}
