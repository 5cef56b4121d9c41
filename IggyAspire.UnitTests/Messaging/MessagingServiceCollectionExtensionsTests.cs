using IggyAspire.Messaging.Consuming;
using IggyAspire.Messaging.Producing;
using IggyAspire.Messaging.Telemetry;
using IggyAspire.Messaging.Transport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IggyAspire.UnitTests.Messaging;

public sealed class MessagingServiceCollectionExtensionsTests
{
    [Fact]
    public async Task The_producer_and_the_consumer_resolve_once_and_work_over_the_registered_transport_with_the_configured_topology()
    {
        var transport = new FakeIggyTransport();
        using var provider = Services(services => { }, transport, new()
        {
            ["Iggy:Topology:Topic"] = "di-topic",
            ["Iggy:Topology:ConsumerGroup"] = "di-group",
        }).BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        var producer = provider.GetRequiredService<MessageProducer>();
        var consumer = provider.GetRequiredService<MessageConsumer>();
        Assert.Same(producer, provider.GetRequiredService<MessageProducer>());
        Assert.Same(consumer, provider.GetRequiredService<MessageConsumer>());
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var producing = producer.RunAsync(stopping.Token);
        var consuming = consumer.RunAsync(stopping.Token);
        await Clock.NextAsync(transport.Sends);
        await Clock.NextAsync(transport.Polls);
        await stopping.CancelAsync();
        await Task.WhenAll(producing, consuming).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(["group:di-group", "stream:demo-stream", "topic:demo-stream/di-topic/1"], transport.Existing.Order());
    }

    [Fact]
    public void A_clock_and_instrumentation_switches_registered_first_are_kept()
    {
        using var capture = new TelemetryCapture();
        var clock = new FakeTimeProvider();
        var switches = new MessagingInstrumentationOptions { EnableTracing = false };
        using var provider = Services(services => services.AddSingleton<TimeProvider>(clock).AddSingleton(switches), new FakeIggyTransport(), []).BuildServiceProvider();

        Assert.Same(clock, provider.GetRequiredService<TimeProvider>());
        Assert.Same(switches, provider.GetRequiredService<MessagingInstrumentationOptions>());
        Assert.Null(provider.GetRequiredService<MessagingInstrumentation>().StartSend("di-stream", "di-topic", new("iggy.test", 8090), [1]));
    }

    private static ServiceCollection Services(Action<IServiceCollection> first, FakeIggyTransport transport, Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        first(services);
        services.AddLogging();
        services.AddSingleton<IIggyTransport>(transport);
        services.AddIggyProducer(configuration);
        services.AddIggyConsumer(configuration);
        return services;
    }
}
