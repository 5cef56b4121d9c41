using IggyAspire.Messaging.Consuming;
using IggyAspire.Messaging.Options;
using IggyAspire.Messaging.Producing;
using IggyAspire.Messaging.Telemetry;
using IggyAspire.Messaging.Topology;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers the producer or the consumer with its options (validated when the host starts, so a bad value stops the
/// worker with a message naming its key), the topology initializer and the instrumentation. The transport
/// (<see cref="IggyAspire.Messaging.Transport.IIggyTransport"/>) comes from the client integration.
/// </summary>
public static class MessagingServiceCollectionExtensions
{
    /// <summary>Registers <see cref="MessageProducer"/>, configured from <c>Iggy:Topology</c> and <c>Iggy:Producer</c>.</summary>
    public static IServiceCollection AddIggyProducer(this IServiceCollection services, IConfiguration configuration)
    {
        AddShared(services, configuration);
        AddValidatedOptions<ProducerOptions, ProducerOptionsValidator>(services, configuration, ProducerOptions.SectionName);
        services.TryAddSingleton<MessageProducer>();
        return services;
    }

    /// <summary>Registers <see cref="MessageConsumer"/>, configured from <c>Iggy:Topology</c> and <c>Iggy:Consumer</c>.</summary>
    public static IServiceCollection AddIggyConsumer(this IServiceCollection services, IConfiguration configuration)
    {
        AddShared(services, configuration);
        AddValidatedOptions<ConsumerOptions, ConsumerOptionsValidator>(services, configuration, ConsumerOptions.SectionName);
        services.TryAddSingleton<MessageConsumer>();
        return services;
    }

    private static void AddShared(IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        AddValidatedOptions<TopologyOptions, TopologyOptionsValidator>(services, configuration, TopologyOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new MessagingInstrumentationOptions());
        services.TryAddSingleton<MessagingInstrumentation>();
        services.TryAddSingleton<TopologyInitializer>();
    }

    private static void AddValidatedOptions<TOptions, TValidator>(IServiceCollection services, IConfiguration configuration, string sectionName)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().Bind(configuration.GetSection(sectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
    }
}
