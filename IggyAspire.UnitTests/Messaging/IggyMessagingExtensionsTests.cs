using IggyAspire.Messaging;
using IggyAspire.Messaging.Consuming;
using IggyAspire.Messaging.Telemetry;
using IggyAspire.Messaging.Transport;
using IggyAspire.Producer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace IggyAspire.UnitTests.Messaging;

public sealed class IggyMessagingExtensionsTests
{
    [Fact]
    public async Task A_producer_and_a_consumer_resolve_once_and_work_over_the_registered_transport_with_their_sections()
    {
        var transport = new FakeIggyTransport();
        var builder = Builder(new()
        {
            ["Aspire:Apache:Iggy:Producer:Stream"] = "orders",
            ["Aspire:Apache:Iggy:Producer:Topic"] = "placed",
            ["Aspire:Apache:Iggy:Producer:Partitions"] = "3",
            ["Aspire:Apache:Iggy:Consumer:Stream"] = "orders",
            ["Aspire:Apache:Iggy:Consumer:Topic"] = "placed",
            ["Aspire:Apache:Iggy:Consumer:ConsumerGroup"] = "billing",
            ["Aspire:Apache:Iggy:Consumer:Partitions"] = "3",
        });
        builder.Services.AddSingleton<IIggyTransport>(transport);
        builder.AddIggyProducer("iggy", DemoMessageJsonContext.Default.DemoMessage);
        builder.AddIggyConsumer<DemoMessage, CountingHandler>("iggy", DemoMessageJsonContext.Default.DemoMessage);
        builder.Services.AddSingleton<CountingHandler.Count>();
        using var host = builder.Build();

        var producer = host.Services.GetRequiredService<IggyProducer<DemoMessage>>();
        Assert.Same(producer, host.Services.GetRequiredService<IggyProducer<DemoMessage>>());
        Assert.Single(host.Services.GetServices<IHostedService>().OfType<IggyConsumerService<DemoMessage>>());
        await host.StartAsync(TestContext.Current.CancellationToken);
        var sent = await producer.SendAsync(new DemoMessage(1, "hi", DateTimeOffset.UnixEpoch), TestContext.Current.CancellationToken);
        await Clock.NextAsync(transport.Polls);
        await host.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, sent.MessageCount);
        Assert.Equal(["group:billing", "stream:orders", "topic:orders/placed/3"], transport.Existing.Order());
        Assert.Equal("placed", Assert.Single(transport.Delivered).Topic);
    }

    [Fact]
    public void The_AppHosts_reference_wins_over_the_section_and_the_delegate_over_both()
    {
        var builder = Builder(new()
        {
            ["Aspire:Apache:Iggy:Consumer:Stream"] = "configured-stream",
            ["Aspire:Apache:Iggy:Consumer:Topic"] = "configured-topic",
            ["Aspire:Apache:Iggy:Consumer:ConsumerGroup"] = "configured-group",
            ["IGGY_STREAM"] = "referenced-stream",
            ["Aspire:Apache:Iggy:Consumer:Partitions"] = "2",
            ["IGGY_TOPIC"] = "referenced-topic",
            ["IGGY_PARTITIONS"] = "3",
            ["OTHER_CONSUMERGROUP"] = "someone-elses",
        });
        IggyConsumerSettings? seen = null;

        builder.AddIggyConsumer<DemoMessage, CountingHandler>("iggy", DemoMessageJsonContext.Default.DemoMessage, settings =>
        {
            seen = new IggyConsumerSettings { Stream = settings.Stream, Topic = settings.Topic, ConsumerGroup = settings.ConsumerGroup, Partitions = settings.Partitions };
            settings.Topic = "from-code";
        });

        Assert.Equal(("referenced-stream", "referenced-topic", "configured-group", 3u), (seen!.Stream, seen.Topic, seen.ConsumerGroup, seen.Partitions));
    }

    [Fact]
    public void A_producer_takes_the_references_stream_topic_and_partitions_and_keeps_its_sections_where_there_is_none()
    {
        var referenced = Builder(new()
        {
            ["Aspire:Apache:Iggy:Producer:Stream"] = "configured-stream",
            ["Aspire:Apache:Iggy:Producer:Topic"] = "configured-topic",
            ["Aspire:Apache:Iggy:Producer:Partitions"] = "2",
            ["IGGY_STREAM"] = "referenced-stream",
            ["IGGY_TOPIC"] = "referenced-topic",
            ["IGGY_PARTITIONS"] = "3",
        });
        var configured = Builder(new()
        {
            ["Aspire:Apache:Iggy:Producer:Stream"] = "configured-stream",
            ["Aspire:Apache:Iggy:Producer:Topic"] = "configured-topic",
            ["Aspire:Apache:Iggy:Producer:Partitions"] = "2",
            ["IGGY_STREAM"] = "",
            ["IGGY_PARTITIONS"] = "many",
        });
        var consumer = Builder(new()
        {
            ["Aspire:Apache:Iggy:Consumer:Stream"] = "configured-stream",
            ["Aspire:Apache:Iggy:Consumer:Topic"] = "configured-topic",
            ["IGGY_CONSUMERGROUP"] = "referenced-group",
        });
        IggyProducerSettings? fromReference = null, fromSection = null;
        IggyConsumerSettings? consumerSettings = null;

        referenced.AddIggyProducer("iggy", DemoMessageJsonContext.Default.DemoMessage, settings => fromReference = settings);
        configured.AddIggyProducer("iggy", DemoMessageJsonContext.Default.DemoMessage, settings => fromSection = settings);
        consumer.AddIggyConsumer<DemoMessage, CountingHandler>("iggy", DemoMessageJsonContext.Default.DemoMessage, settings => consumerSettings = settings);

        Assert.Equal(("referenced-stream", "referenced-topic", 3u), (fromReference!.Stream, fromReference.Topic, fromReference.Partitions));
        Assert.Equal(("configured-stream", "configured-topic", 2u), (fromSection!.Stream, fromSection.Topic, fromSection.Partitions));
        Assert.Equal(("configured-stream", "configured-topic", "referenced-group", 1u), (consumerSettings!.Stream, consumerSettings.Topic, consumerSettings.ConsumerGroup, consumerSettings.Partitions));
    }

    [Theory]
    [InlineData("my-iggy", "MY_IGGY_TOPIC")]
    [InlineData("1iggy", "_1IGGY_TOPIC")]
    public void A_connection_name_is_encoded_into_the_variable_name_as_Aspire_does(string connectionName, string variable)
    {
        var builder = Builder(new() { ["Aspire:Apache:Iggy:Producer:Stream"] = "s", [variable] = "referenced" });
        string? topic = null;

        builder.AddIggyProducer(connectionName, DemoMessageJsonContext.Default.DemoMessage, settings => topic = settings.Topic);

        Assert.Equal("referenced", topic);
    }

    [Theory]
    [InlineData("Aspire:Apache:Iggy:Producer:Topic is missing: set it, or reference the Iggy topic or consumer group from the AppHost.")]
    public void A_producer_without_a_topic_fails_at_registration_naming_the_key(string expected)
    {
        var builder = Builder(new() { ["Aspire:Apache:Iggy:Producer:Stream"] = "s" });

        var failure = Assert.Throws<InvalidOperationException>(() => builder.AddIggyProducer("iggy", DemoMessageJsonContext.Default.DemoMessage));

        Assert.Equal(expected, failure.Message);
    }

    [Fact]
    public void The_keyed_clients_transport_is_used_when_one_is_registered_under_the_connection_name()
    {
        var builder = Builder(new() { ["Aspire:Apache:Iggy:Producer:Stream"] = "s", ["Aspire:Apache:Iggy:Producer:Topic"] = "t" });
        var keyed = new FakeIggyTransport();
        builder.Services.AddSingleton<IIggyTransport>(new FakeIggyTransport());
        builder.Services.AddKeyedSingleton<IIggyTransport>("other", keyed);
        builder.AddIggyProducer("other", DemoMessageJsonContext.Default.DemoMessage, settings => settings.DisableTopologyCreation = true);
        using var host = builder.Build();

        var sending = host.Services.GetRequiredService<IggyProducer<DemoMessage>>().SendAsync(new DemoMessage(1, "x", DateTimeOffset.UnixEpoch), TestContext.Current.CancellationToken);

        Assert.True(sending.IsCompletedSuccessfully);
        Assert.Single(keyed.Delivered);
        Assert.Empty(keyed.Created);
    }

    [Fact]
    public void Without_a_client_resolving_the_producer_says_which_call_is_missing()
    {
        var builder = Builder(new() { ["Aspire:Apache:Iggy:Producer:Stream"] = "s", ["Aspire:Apache:Iggy:Producer:Topic"] = "t" });
        builder.AddIggyProducer("iggy", DemoMessageJsonContext.Default.DemoMessage);
        using var host = builder.Build();

        var failure = Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<IggyProducer<DemoMessage>>());

        Assert.Contains("call builder.AddIggyClient(\"iggy\")", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_clock_and_instrumentation_switches_registered_first_are_kept()
    {
        var builder = Builder(new() { ["Aspire:Apache:Iggy:Producer:Stream"] = "s", ["Aspire:Apache:Iggy:Producer:Topic"] = "t" });
        var clock = new FakeTimeProvider();
        var switches = new MessagingInstrumentationOptions { EnableTracing = false };
        builder.Services.AddSingleton<TimeProvider>(clock).AddSingleton(switches).AddSingleton<IIggyTransport>(new FakeIggyTransport());
        builder.AddIggyProducer("iggy", DemoMessageJsonContext.Default.DemoMessage);
        using var host = builder.Build();

        Assert.Same(clock, host.Services.GetRequiredService<TimeProvider>());
        Assert.Same(switches, host.Services.GetRequiredService<MessagingInstrumentationOptions>());
        using var capture = new TelemetryCapture();
        Assert.Null(host.Services.GetRequiredService<MessagingInstrumentation>().StartSend("s", "t", new("iggy.test", 8090), 1, 1));
    }

    private static HostApplicationBuilder Builder(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        return builder;
    }

    private sealed class CountingHandler(CountingHandler.Count count) : IIggyMessageHandler<DemoMessage>
    {
        public Task HandleAsync(IggyMessage<DemoMessage> message, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref count.Handled);
            return Task.CompletedTask;
        }

        internal sealed class Count
        {
            public int Handled;
        }
    }
}
