using System.Diagnostics;
using IggyAspire.Messaging.Telemetry;

namespace IggyAspire.UnitTests.Messaging;

public sealed class TraceContextPropagationTests
{
    [Fact]
    public void A_span_written_into_headers_reads_back_as_the_same_remote_context()
    {
        using var activity = new Activity("send demo-topic").SetIdFormat(ActivityIdFormat.W3C);
        activity.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        activity.TraceStateString = "iggy=1";
        activity.Start();
        var headers = new Dictionary<string, string>();

        TraceContextPropagation.Inject(activity, headers, static (carrier, name, value) => ((Dictionary<string, string>)carrier!)[name] = value);
        var context = TraceContextPropagation.Extract(headers);

        Assert.Equal(activity.Id, headers["traceparent"]);
        Assert.Equal((activity.TraceId, activity.SpanId, ActivityTraceFlags.Recorded, "iggy=1", true),
            (context.TraceId, context.SpanId, context.TraceFlags, context.TraceState, context.IsRemote));
    }

    [Fact]
    public void Without_a_span_nothing_is_written()
    {
        var headers = new Dictionary<string, string>();

        TraceContextPropagation.Inject(null, headers, static (carrier, name, value) => ((Dictionary<string, string>)carrier!)[name] = value);

        Assert.Empty(headers);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-traceparent")]
    [InlineData("00-00000000000000000000000000000000-0000000000000000-01")]
    public void Missing_or_malformed_headers_give_no_parent(string? traceParent)
    {
        var headers = traceParent is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["traceparent"] = traceParent };

        Assert.Equal(default, TraceContextPropagation.Extract(headers));
    }
}
