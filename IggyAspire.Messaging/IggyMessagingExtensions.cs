using System.Text.Json.Serialization.Metadata;
using IggyAspire.Messaging;
using IggyAspire.Messaging.Consuming;
using IggyAspire.Messaging.Settings;
using IggyAspire.Messaging.Telemetry;
using IggyAspire.Messaging.Transport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Registers typed producers and consumer-group members of your own message types over an Iggy client
/// (<c>AddIggyClient</c> or <c>AddKeyedIggyClient</c> from IggyAspire.Client, or any <see cref="IIggyTransport"/>
/// registered for the connection name).
/// </summary>
/// <remarks>
/// Settings are read from their section (<see cref="IggyProducerSettings.DefaultConfigSectionName"/>,
/// <see cref="IggyConsumerSettings.DefaultConfigSectionName"/>), then from the AppHost's reference to an Iggy topic or
/// consumer group (<c>{NAME}_STREAM</c>, <c>{NAME}_TOPIC</c>, <c>{NAME}_CONSUMERGROUP</c>), then from the
/// <c>configureSettings</c> delegate, and validated at once: a bad value fails the registration naming its key.
/// </remarks>
public static class IggyMessagingExtensions
{
    /// <summary>
    /// Registers an <see cref="IggyProducer{TMessage}"/> singleton that serializes with System.Text.Json and
    /// <paramref name="jsonTypeInfo"/> (from a source-generated <see cref="System.Text.Json.Serialization.JsonSerializerContext"/>).
    /// </summary>
    /// <param name="builder">The host builder to read configuration from and add services to.</param>
    /// <param name="connectionName">The Iggy connection (the AppHost's resource name) whose client the producer sends over.</param>
    /// <param name="jsonTypeInfo">The message type's JSON type information, e.g. <c>MyJsonContext.Default.OrderPlaced</c>.</param>
    /// <param name="configureSettings">Changes the settings after they are read from configuration.</param>
    public static void AddIggyProducer<TMessage>(this IHostApplicationBuilder builder, string connectionName, JsonTypeInfo<TMessage> jsonTypeInfo, Action<IggyProducerSettings>? configureSettings = null) =>
        AddIggyProducer(builder, connectionName, new IggyJsonMessageSerializer<TMessage>(jsonTypeInfo), configureSettings);

    /// <summary>Registers an <see cref="IggyProducer{TMessage}"/> singleton that serializes with <paramref name="serializer"/>.</summary>
    /// <param name="builder">The host builder to read configuration from and add services to.</param>
    /// <param name="connectionName">The Iggy connection (the AppHost's resource name) whose client the producer sends over.</param>
    /// <param name="serializer">Turns a message into its payload.</param>
    /// <param name="configureSettings">Changes the settings after they are read from configuration.</param>
    public static void AddIggyProducer<TMessage>(this IHostApplicationBuilder builder, string connectionName, IIggyMessageSerializer<TMessage> serializer, Action<IggyProducerSettings>? configureSettings = null)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        var settings = ReadSettings<IggyProducerSettings>(builder, connectionName, IggyProducerSettings.DefaultConfigSectionName);
        IggyReferencedTopology.Read(builder.Configuration, connectionName).ApplyTo(settings);
        configureSettings?.Invoke(settings);
        settings.Validate();

        AddInstrumentation(builder.Services);
        builder.Services.AddSingleton(provider => new IggyProducer<TMessage>(
            TransportFor(provider, connectionName), settings, serializer, provider.GetRequiredService<MessagingInstrumentation>(),
            provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<IggyProducer<TMessage>>>()));
    }

    /// <summary>
    /// Registers a consumer-group member, run as a hosted service, that deserializes each message with System.Text.Json
    /// and <paramref name="jsonTypeInfo"/> and hands it to a scoped <typeparamref name="THandler"/>.
    /// </summary>
    /// <param name="builder">The host builder to read configuration from and add services to.</param>
    /// <param name="connectionName">The Iggy connection (the AppHost's resource name) whose client the consumer polls over.</param>
    /// <param name="jsonTypeInfo">The message type's JSON type information, e.g. <c>MyJsonContext.Default.OrderPlaced</c>.</param>
    /// <param name="configureSettings">Changes the settings after they are read from configuration.</param>
    public static void AddIggyConsumer<TMessage, THandler>(this IHostApplicationBuilder builder, string connectionName, JsonTypeInfo<TMessage> jsonTypeInfo, Action<IggyConsumerSettings>? configureSettings = null)
        where THandler : class, IIggyMessageHandler<TMessage> =>
        AddIggyConsumer<TMessage, THandler>(builder, connectionName, new IggyJsonMessageSerializer<TMessage>(jsonTypeInfo), configureSettings);

    /// <summary>
    /// Registers a consumer-group member, run as a hosted service, that deserializes each message with
    /// <paramref name="serializer"/> and hands it to a scoped <typeparamref name="THandler"/>.
    /// </summary>
    /// <param name="builder">The host builder to read configuration from and add services to.</param>
    /// <param name="connectionName">The Iggy connection (the AppHost's resource name) whose client the consumer polls over.</param>
    /// <param name="serializer">Turns a payload into a message; whatever it throws counts as an invalid payload.</param>
    /// <param name="configureSettings">Changes the settings after they are read from configuration.</param>
    public static void AddIggyConsumer<TMessage, THandler>(this IHostApplicationBuilder builder, string connectionName, IIggyMessageSerializer<TMessage> serializer, Action<IggyConsumerSettings>? configureSettings = null)
        where THandler : class, IIggyMessageHandler<TMessage>
    {
        ArgumentNullException.ThrowIfNull(serializer);
        var settings = ReadSettings<IggyConsumerSettings>(builder, connectionName, IggyConsumerSettings.DefaultConfigSectionName);
        IggyReferencedTopology.Read(builder.Configuration, connectionName).ApplyTo(settings);
        configureSettings?.Invoke(settings);
        settings.Validate();

        AddInstrumentation(builder.Services);
        builder.Services.TryAddScoped<IIggyMessageHandler<TMessage>, THandler>();
        builder.Services.AddSingleton(provider => new IggyConsumer<TMessage>(
            TransportFor(provider, connectionName), settings, serializer, provider.GetRequiredService<IServiceScopeFactory>(),
            provider.GetRequiredService<MessagingInstrumentation>(), provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<IggyConsumer<TMessage>>>()));
        builder.Services.AddHostedService<IggyConsumerService<TMessage>>();
    }

    private static TSettings ReadSettings<TSettings>(IHostApplicationBuilder builder, string connectionName, string sectionName)
        where TSettings : new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);

        var settings = new TSettings();
        builder.Configuration.GetSection(sectionName).Bind(settings);
        return settings;
    }

    private static void AddInstrumentation(IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new MessagingInstrumentationOptions());
        services.TryAddSingleton<MessagingInstrumentation>();
    }

    // The keyed client's transport when AddKeyedIggyClient registered one under this name, else the default client's.
    private static IIggyTransport TransportFor(IServiceProvider provider, string connectionName) =>
        provider.GetKeyedService<IIggyTransport>(connectionName)
        ?? provider.GetService<IIggyTransport>()
        ?? throw new InvalidOperationException(
            $"No Iggy client is registered for '{connectionName}': call builder.AddIggyClient(\"{connectionName}\") (IggyAspire.Client) before registering its producers and consumers.");
}
