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
    public void Without_trace_state_only_the_traceparent_is_written()
    {
        using var activity = new Activity("send demo-topic").SetIdFormat(ActivityIdFormat.W3C).Start();
        var headers = new Dictionary<string, string>();

        TraceContextPropagation.Inject(activity, headers, static (carrier, name, value) => ((Dictionary<string, string>)carrier!)[name] = value);

        Assert.Equal([TraceContextPropagation.TraceParentHeader], headers.Keys);
        Assert.Equal(default, TraceContextPropagation.Extract(headers).TraceState);
    }

    [Fact]
    public void Any_header_map_can_carry_the_context()
    {
        var producer = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None);
        List<(string Name, string Value)> headers = [("traceparent", $"00-{producer.TraceId}-{producer.SpanId}-00"), ("tracestate", "vendor=x")];

        var context = TraceContextPropagation.Extract(headers, static (carrier, name) => carrier.Find(header => header.Name == name).Value);

        Assert.Equal((producer.TraceId, producer.SpanId, ActivityTraceFlags.None, "vendor=x"), (context.TraceId, context.SpanId, context.TraceFlags, context.TraceState));
    }

    [Fact]
    public void Trace_state_without_a_traceparent_gives_no_parent()
    {
        var headers = new Dictionary<string, string> { ["tracestate"] = "vendor=x" };

        Assert.Equal(default, TraceContextPropagation.Extract(headers));
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
