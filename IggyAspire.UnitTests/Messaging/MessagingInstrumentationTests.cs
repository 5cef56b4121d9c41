using System.Diagnostics;
using System.Diagnostics.Metrics;
using IggyAspire.Messaging.Connection;
using IggyAspire.Messaging.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace IggyAspire.UnitTests.Messaging;

public sealed class MessagingInstrumentationTests
{
    private static readonly IggyServerAddress Server = new("iggy.test", 8090);

    [Fact]
    public void A_send_is_a_producer_span_named_by_the_messaging_conventions()
    {
        using var capture = new TelemetryCapture();
        using var instrumentation = new MessagingInstrumentation(new MessagingInstrumentationOptions());

        instrumentation.StartSend("test-stream", "send-topic", Server, 1, 7)!.Dispose();

        var span = Assert.Single(capture.Spans, span => Equals(span.GetTagItem(MessagingAttributes.DestinationName), "send-topic"));
        Assert.Equal(("send send-topic", ActivityKind.Producer), (span.DisplayName, span.Kind));
        Assert.Equal("iggy", span.GetTagItem(MessagingAttributes.MessagingSystem));
        Assert.Equal("send", span.GetTagItem(MessagingAttributes.OperationName));
        Assert.Equal("send", span.GetTagItem(MessagingAttributes.OperationType));
        Assert.Equal("test-stream", span.GetTagItem(MessagingAttributes.StreamName));
        Assert.Equal("7", span.GetTagItem(MessagingAttributes.MessageId));
        Assert.Equal(("iggy.test", 8090), (span.GetTagItem(MessagingAttributes.ServerAddress), span.GetTagItem(MessagingAttributes.ServerPort)));
    }

    [Fact]
    public void Processing_is_a_consumer_span_in_the_producers_trace()
    {
        using var capture = new TelemetryCapture();
        using var instrumentation = new MessagingInstrumentation(new MessagingInstrumentationOptions());
        var producer = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);

        instrumentation.StartProcess("test-stream", "process-topic", "group", Server, producer, partitionId: 2, offset: 41, messageId: 7)!.Dispose();

        var span = Assert.Single(capture.Spans, span => Equals(span.GetTagItem(MessagingAttributes.DestinationName), "process-topic"));
        Assert.Equal(("process process-topic", ActivityKind.Consumer), (span.DisplayName, span.Kind));
        Assert.Equal((producer.TraceId, producer.SpanId), (span.TraceId, span.ParentSpanId));
        Assert.Equal(("group", "2", 41UL, "7"), (span.GetTagItem(MessagingAttributes.ConsumerGroupName), span.GetTagItem(MessagingAttributes.PartitionId), span.GetTagItem(MessagingAttributes.Offset), span.GetTagItem(MessagingAttributes.MessageId)));
    }

    [Fact]
    public void A_message_without_trace_context_starts_a_trace_of_its_own()
    {
        using var capture = new TelemetryCapture();
        using var instrumentation = new MessagingInstrumentation(new MessagingInstrumentationOptions());

        instrumentation.StartProcess("test-stream", "orphan-topic", "group", Server, producerContext: default, partitionId: 0, offset: 1, messageId: 1)!.Dispose();

        var span = Assert.Single(capture.Spans, span => Equals(span.GetTagItem(MessagingAttributes.DestinationName), "orphan-topic"));
        Assert.Equal((default(ActivitySpanId), null), (span.ParentSpanId, span.Parent));
    }

    [Fact]
    public void A_receive_is_a_client_span_linked_to_every_message_it_returned()
    {
        using var capture = new TelemetryCapture();
        using var instrumentation = new MessagingInstrumentation(new MessagingInstrumentationOptions());
        // Every message of one send carries the same context: the first two came from one send.
        var firstSend = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        ActivityContext[] messages =
        [
            firstSend,
            firstSend,
            default,
            new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded),
        ];

        using (var receive = instrumentation.StartReceive("test-stream", "receive-topic", "group", Server))
        {
            MessagingInstrumentation.LinkReceived(receive, 1, messages);
        }

        var span = Assert.Single(capture.Spans, span => Equals(span.GetTagItem(MessagingAttributes.DestinationName), "receive-topic"));
        Assert.Equal(("receive receive-topic", ActivityKind.Client), (span.DisplayName, span.Kind));
        Assert.Equal([messages[0].TraceId, messages[3].TraceId], span.Links.Select(link => link.Context.TraceId));
        Assert.Equal(4, span.GetTagItem(MessagingAttributes.BatchMessageCount));
        Assert.Equal("1", span.GetTagItem(MessagingAttributes.PartitionId));
    }

    [Fact]
    public void With_tracing_disabled_no_span_is_started()
    {
        using var capture = new TelemetryCapture();
        using var instrumentation = new MessagingInstrumentation(new MessagingInstrumentationOptions { EnableTracing = false });

        Assert.Null(instrumentation.StartSend("test-stream", "disabled-topic", Server, 1, 1));
    }

    [Fact]
    public void Sends_and_processing_are_counted_and_timed_with_error_type_on_failure()
    {
        using var capture = new TelemetryCapture();
        using var instrumentation = new MessagingInstrumentation(new MessagingInstrumentationOptions());

        instrumentation.RecordSend("test-stream", "metrics-topic", Server, 3, TimeSpan.FromMilliseconds(5), errorType: null);
        instrumentation.RecordProcess("test-stream", "metrics-topic", "group", Server, 0, TimeSpan.FromMilliseconds(1), "invalid_payload", "dead_letter");
        instrumentation.RecordProcess("test-stream", "metrics-topic", "group", Server, 0, TimeSpan.FromMilliseconds(1), "System.OperationCanceledException", failureAction: null);

        var ours = capture.Measurements.Where(m => Equals(m.Tags.GetValueOrDefault(MessagingAttributes.DestinationName), "metrics-topic")).ToList();
        Assert.Equal(3, Assert.Single(ours, m => m.Instrument == "messaging.client.sent.messages").Value);
        Assert.Equal(0.005, Assert.Single(ours, m => m.Instrument == "messaging.client.operation.duration").Value, precision: 6);
        Assert.All(ours, m => Assert.Equal("test-stream", m.Tags[MessagingAttributes.StreamName]));
        Assert.Equal(["send", "send"], ours.Where(m => m.Instrument.StartsWith("messaging.client.", StringComparison.Ordinal)).Select(m => m.Tags[MessagingAttributes.OperationType]));
        Assert.All(ours.Where(m => m.Instrument == "messaging.process.duration"), m => Assert.Equal("process", m.Tags[MessagingAttributes.OperationType]));
        // A failure the policy handled counts; one that left the message to come again (shutdown) does not.
        var failed = Assert.Single(ours, m => m.Instrument == "messaging.iggy.consumer.failed_messages");
        Assert.Equal(("invalid_payload", "dead_letter"), (failed.Tags[MessagingAttributes.ErrorType], failed.Tags[MessagingAttributes.FailureAction]));
        Assert.Equal(2, ours.Count(m => m.Instrument == "messaging.process.duration"));
    }

    [Fact]
    public void Durations_are_exported_in_the_messaging_conventions_second_buckets()
    {
        var exported = new List<Metric>();
        using var meters = Sdk.CreateMeterProviderBuilder().AddMeter(MessagingTelemetry.MeterName).AddInMemoryExporter(exported).Build();
        using var instrumentation = new MessagingInstrumentation(new MessagingInstrumentationOptions());

        instrumentation.RecordSend("test-stream", "buckets-topic", Server, 1, TimeSpan.FromMilliseconds(30), errorType: null);
        instrumentation.RecordProcess("test-stream", "buckets-topic", "group", Server, 0, TimeSpan.FromMilliseconds(3), errorType: null, failureAction: null);
        meters.ForceFlush();

        double[] conventions = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
        foreach (var name in new[] { "messaging.client.operation.duration", "messaging.process.duration" })
        {
            var metric = exported.Last(m => m.Name == name);
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var bounds = new List<double>();
                foreach (var bucket in point.GetHistogramBuckets())
                {
                    bounds.Add(bucket.ExplicitBound);
                }

                Assert.Equal([.. conventions, double.PositiveInfinity], bounds);
            }
        }
    }

    [Fact]
    public void The_lag_gauge_reports_the_last_figure_of_each_partition_until_it_is_forgotten()
    {
        using var capture = new TelemetryCapture();
        using var instrumentation = new MessagingInstrumentation(new MessagingInstrumentationOptions());

        instrumentation.RecordLag("test-stream", "lag-topic", "group", partitionId: 0, pending: 8);
        instrumentation.RecordLag("test-stream", "lag-topic", "group", partitionId: 0, pending: 3);
        instrumentation.RecordLag("test-stream", "lag-topic", "group", partitionId: 1, pending: 5);
        instrumentation.RecordLag("test-stream", "lag-topic", "group", partitionId: 2, pending: 1);
        instrumentation.ForgetLag("test-stream", "lag-topic", "group", partitionId: 2);
        capture.CollectObservables();

        var lag = capture.Measurements
            .Where(m => m.Instrument == "messaging.iggy.consumer.lag" && Equals(m.Tags.GetValueOrDefault(MessagingAttributes.DestinationName), "lag-topic"))
            .ToDictionary(m => (string)m.Tags[MessagingAttributes.PartitionId]!, m => m.Value);
        Assert.Equal(new Dictionary<string, double> { ["0"] = 3, ["1"] = 5 }, lag);
    }

    [Fact]
    public void With_the_hosts_meter_factory_the_instruments_belong_to_it()
    {
        using var provider = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = provider.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener();
        var scopes = new List<object?>();
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (instrument.Name == "messaging.iggy.consumer.lag")
            {
                scopes.Add(instrument.Meter.Scope);
            }
        };
        listener.Start();

        using var instrumentation = new MessagingInstrumentation(new MessagingInstrumentationOptions(), meterFactory);

        Assert.Contains(meterFactory, scopes);
    }

    [Fact]
    public void With_metrics_disabled_nothing_is_measured()
    {
        using var capture = new TelemetryCapture();
        using var instrumentation = new MessagingInstrumentation(new MessagingInstrumentationOptions { EnableMetrics = false });

        instrumentation.RecordSend("test-stream", "quiet-topic", Server, 1, TimeSpan.FromMilliseconds(1), errorType: null);
        instrumentation.RecordReceive("test-stream", "quiet-topic", "group", Server, 0, 1, TimeSpan.FromMilliseconds(1), errorType: null);
        instrumentation.RecordProcess("test-stream", "quiet-topic", "group", Server, 0, TimeSpan.FromMilliseconds(1), "invalid_payload", "skip");
        instrumentation.RecordLag("test-stream", "quiet-topic", "group", partitionId: 0, pending: 8);
        capture.CollectObservables();

        Assert.DoesNotContain(capture.Measurements, m => Equals(m.Tags.GetValueOrDefault(MessagingAttributes.DestinationName), "quiet-topic"));
    }
}
