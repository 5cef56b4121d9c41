using System.Diagnostics;
using System.Diagnostics.Metrics;
using IggyAspire.Messaging;
using IggyAspire.Messaging.Connection;
using IggyAspire.Messaging.Telemetry;
using IggyAspire.Producer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace IggyAspire.UnitTests.Messaging;

/// <summary>What the public entry points refuse, and the receive path's span attributes and counts.</summary>
public sealed class ArgumentAndTagTests
{
    private static readonly IggyServerAddress Server = new("iggy.test", 8090);

    [Fact]
    public void Registrations_refuse_a_missing_builder_name_or_serializer_naming_the_argument()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());

        Assert.Equal("serializer", Assert.Throws<ArgumentNullException>(() => builder.AddIggyProducer<DemoMessage>("iggy", (IIggyMessageSerializer<DemoMessage>)null!)).ParamName);
        Assert.Equal("serializer", Assert.Throws<ArgumentNullException>(() => builder.AddIggyConsumer<DemoMessage, NoHandler>("iggy", (IIggyMessageSerializer<DemoMessage>)null!)).ParamName);
        Assert.Equal("typeInfo", Assert.Throws<ArgumentNullException>(() => builder.AddIggyProducer<DemoMessage>("iggy", (System.Text.Json.Serialization.Metadata.JsonTypeInfo<DemoMessage>)null!)).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => ((IHostApplicationBuilder)null!).AddIggyProducer("iggy", DemoMessageJsonContext.Default.DemoMessage)).ParamName);
        Assert.Equal("connectionName", Assert.Throws<ArgumentException>(() => builder.AddIggyProducer("", DemoMessageJsonContext.Default.DemoMessage)).ParamName);
    }

    [Fact]
    public async Task A_batch_send_refuses_a_missing_list()
    {
        using var instrumentation = new MessagingInstrumentation(new MessagingInstrumentationOptions());
        var producer = new IggyProducer<DemoMessage>(new FakeIggyTransport(), new IggyProducerSettings { Stream = "s", Topic = "t" },
            new IggyJsonMessageSerializer<DemoMessage>(DemoMessageJsonContext.Default.DemoMessage), instrumentation, new FakeTimeProvider(), NullLogger<IggyProducer<DemoMessage>>.Instance);

        await Assert.ThrowsAsync<ArgumentNullException>(() => producer.SendBatchAsync((IReadOnlyList<DemoMessage>)null!, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentNullException>(() => producer.SendBatchAsync((IReadOnlyList<IggyOutgoingMessage<DemoMessage>>)null!, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void The_instrumentation_refuses_missing_options_servers_and_contexts()
    {
        Assert.Throws<ArgumentNullException>(() => new MessagingInstrumentation(null!));
        using var instrumentation = new MessagingInstrumentation(new MessagingInstrumentationOptions());

        Assert.Throws<ArgumentNullException>(() => instrumentation.StartSend("s", "t", null!, 1, 1));
        Assert.Throws<ArgumentNullException>(() => instrumentation.StartReceive("s", "t", "g", null!));
        Assert.Throws<ArgumentNullException>(() => instrumentation.StartProcess("s", "t", "g", null!, default, 0, 0, 0));
        Assert.Throws<ArgumentNullException>(() => MessagingInstrumentation.LinkReceived(null, 0, null!));
    }

    [Fact]
    public void A_receive_span_names_its_group_and_a_poll_counts_what_it_returned_under_the_group_and_partition()
    {
        using var capture = new TelemetryCapture();
        using var instrumentation = new MessagingInstrumentation(new MessagingInstrumentationOptions());
        var topic = $"receive-topic-{Guid.NewGuid():N}";

        instrumentation.StartReceive("s", topic, "billing", Server)!.Dispose();
        instrumentation.RecordReceive("s", topic, "billing", Server, partitionId: 2, 3, TimeSpan.FromMilliseconds(1), errorType: null);
        instrumentation.RecordReceive("s", topic, "billing", Server, partitionId: null, 0, TimeSpan.FromMilliseconds(1), errorType: null);

        Assert.Equal("billing", Assert.Single(capture.Spans, span => span.DisplayName == $"receive {topic}").GetTagItem(MessagingAttributes.ConsumerGroupName));
        var consumed = Assert.Single(capture.Measurements, m => m.Instrument == "messaging.client.consumed.messages" && Equals(m.Tags[MessagingAttributes.DestinationName], topic));
        Assert.Equal((3, "billing", "2"), (consumed.Value, consumed.Tags[MessagingAttributes.ConsumerGroupName], consumed.Tags[MessagingAttributes.PartitionId]));
        var durations = capture.Measurements.Where(m => m.Instrument == "messaging.client.operation.duration" && Equals(m.Tags[MessagingAttributes.DestinationName], topic)).ToList();
        Assert.Equal(2, durations.Count);
        Assert.False(durations[1].Tags.ContainsKey(MessagingAttributes.PartitionId));
    }

    [Fact]
    public void A_meter_of_its_own_is_disposed_with_the_instrumentation_and_a_factorys_is_left_to_the_factory()
    {
        using var own = new MessagingInstrumentation(new MessagingInstrumentationOptions());
        var ownMeter = Meter(own);
        using var factory = new CountingMeterFactory();
        var fromFactory = new MessagingInstrumentation(new MessagingInstrumentationOptions(), factory);
        var factoryMeter = Meter(fromFactory);

        own.Dispose();
        fromFactory.Dispose();

        Assert.True(IsDisposed(ownMeter), "the instrumentation's own meter was not disposed");
        Assert.False(IsDisposed(factoryMeter), "the factory's meter was disposed by the instrumentation");
        Assert.Same(factory.Created, factoryMeter);
    }

    private static Meter Meter(MessagingInstrumentation instrumentation) =>
        (Meter)typeof(MessagingInstrumentation).GetField("_meter", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!.GetValue(instrumentation)!;

    // A disposed meter's instruments are no longer published to new listeners.
    private static bool IsDisposed(Meter meter)
    {
        var published = false;
        using var listener = new MeterListener { InstrumentPublished = (instrument, _) => published |= instrument.Meter == meter };
        listener.Start();
        return !published;
    }

    private sealed class CountingMeterFactory : IMeterFactory
    {
        public Meter? Created { get; private set; }

        public Meter Create(MeterOptions options) => Created = new Meter(options);

        public void Dispose() => Created?.Dispose();
    }

    private sealed class NoHandler : IIggyMessageHandler<DemoMessage>
    {
        public Task HandleAsync(IggyMessage<DemoMessage> message, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
