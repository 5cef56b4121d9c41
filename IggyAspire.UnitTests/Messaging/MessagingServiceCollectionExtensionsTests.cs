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
    public void With_a_transport_from_the_client_integration_the_producer_and_the_consumer_resolve()
    {
        using var provider = Services(services => { }).BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.NotNull(provider.GetRequiredService<MessageProducer>());
        Assert.NotNull(provider.GetRequiredService<MessageConsumer>());
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void A_clock_and_instrumentation_switches_registered_first_are_kept()
    {
        using var capture = new TelemetryCapture();
        var clock = new FakeTimeProvider();
        var switches = new MessagingInstrumentationOptions { EnableTracing = false };
        using var provider = Services(services => services.AddSingleton<TimeProvider>(clock).AddSingleton(switches)).BuildServiceProvider();

        Assert.Same(clock, provider.GetRequiredService<TimeProvider>());
        Assert.Same(switches, provider.GetRequiredService<MessagingInstrumentationOptions>());
        Assert.Null(provider.GetRequiredService<MessagingInstrumentation>().StartSend("di-stream", "di-topic", new("iggy.test", 8090), [1]));
    }

    private static ServiceCollection Services(Action<IServiceCollection> first)
    {
        var configuration = new ConfigurationBuilder().Build();
        var services = new ServiceCollection();
        first(services);
        services.AddLogging();
        services.AddSingleton<IIggyTransport, FakeIggyTransport>();
        services.AddIggyProducer(configuration);
        services.AddIggyConsumer(configuration);
        return services;
    }
}
