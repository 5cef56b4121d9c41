using IggyAspire.Client;
using IggyAspire.Messaging.Connection;
using IggyAspire.Messaging.Telemetry;
using IggyAspire.Messaging.Transport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.ServiceDiscovery;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers an Apache Iggy client the way Aspire's client integrations do.</summary>
public static class IggyClientExtensions
{
    /// <summary>The tag of the Iggy health check: it says whether the service can reach the server, not whether it lives.</summary>
    public const string HealthCheckTag = "ready";

    /// <summary>
    /// Registers one <see cref="IggyClientConnection"/> to the Iggy server named <paramref name="connectionName"/>,
    /// which connects and logs in its Apache.Iggy client when the host starts; the <see cref="IIggyTransport"/> that
    /// <c>AddIggyProducer</c> and <c>AddIggyConsumer</c> send and poll over; a health check (the SDK's ping); and the
    /// messaging traces and metrics. Settings come from <c>Aspire:Apache:Iggy</c>.
    /// </summary>
    /// <remarks>
    /// The server's TCP endpoint comes from service discovery (<c>services:{name}:tcp:0</c>, which the AppHost
    /// provides), else from the connection string <c>ConnectionStrings:{name}</c>
    /// (<c>iggy://user:password@host:port</c>); credentials come from the connection string or from the settings,
    /// which win. Each of the health check, tracing and metrics has a Disable* switch.
    /// </remarks>
    /// <param name="builder">The host builder to read configuration from and add services to.</param>
    /// <param name="connectionName">The resource name: the service-discovery name and the connection string name.</param>
    /// <param name="configureSettings">Changes the settings after they are read from configuration.</param>
    public static void AddIggyClient(this IHostApplicationBuilder builder, string connectionName, Action<IggyClientSettings>? configureSettings = null) =>
        AddIggyClient(builder, connectionName, serviceKey: null, configureSettings);

    /// <summary>
    /// Registers a second (or further) Iggy client, keyed by <paramref name="name"/>: its
    /// <see cref="IggyClientConnection"/> and <see cref="IIggyTransport"/> are keyed services, and producers and
    /// consumers registered with the same connection name use it. Settings come from <c>Aspire:Apache:Iggy</c>, then
    /// <c>Aspire:Apache:Iggy:{name}</c>.
    /// </summary>
    /// <param name="builder">The host builder to read configuration from and add services to.</param>
    /// <param name="name">The resource name, also the service key.</param>
    /// <param name="configureSettings">Changes the settings after they are read from configuration.</param>
    public static void AddKeyedIggyClient(this IHostApplicationBuilder builder, string name, Action<IggyClientSettings>? configureSettings = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        AddIggyClient(builder, name, serviceKey: name, configureSettings);
    }

    private static void AddIggyClient(IHostApplicationBuilder builder, string connectionName, string? serviceKey, Action<IggyClientSettings>? configureSettings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);

        var settings = new IggyClientSettings();
        var section = builder.Configuration.GetSection(IggyClientSettings.DefaultConfigSectionName);
        section.Bind(settings);
        if (serviceKey is not null)
        {
            section.GetSection(serviceKey).Bind(settings);
        }

        if (builder.Configuration.GetConnectionString(connectionName) is { } connectionString)
        {
            settings.ConnectionString = connectionString;
        }

        configureSettings?.Invoke(settings);
        settings.Validate();

        builder.Services.AddServiceDiscovery();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton(provider => new IggyServerAddressResolver(provider.GetRequiredService<ServiceEndpointResolver>()));
        IggyClientConnection CreateConnection(IServiceProvider provider) => new(
            connectionName, settings, provider.GetRequiredService<IggyServerAddressResolver>(), provider.GetRequiredService<ILoggerFactory>(),
            provider.GetRequiredService<TimeProvider>());
        IggyClientConnection Connection(IServiceProvider provider) => serviceKey is null
            ? provider.GetRequiredService<IggyClientConnection>()
            : provider.GetRequiredKeyedService<IggyClientConnection>(serviceKey);

        if (serviceKey is null)
        {
            builder.Services.AddSingleton(CreateConnection);
            builder.Services.AddSingleton<IIggyTransport>(provider => new IggyTransport(Connection(provider)));
        }
        else
        {
            builder.Services.AddKeyedSingleton(serviceKey, (provider, _) => CreateConnection(provider));
            builder.Services.AddKeyedSingleton<IIggyTransport>(serviceKey, (provider, _) => new IggyTransport(Connection(provider)));
        }

        // Not AddHostedService: it adds one hosted service per implementation type, and each client's connection must start.
        builder.Services.AddSingleton<IHostedService>(Connection);
        // The default client's switches win over the defaults AddIggyProducer or AddIggyConsumer registered if called
        // first; a keyed client's do not override the default client's.
        var switches = ServiceDescriptor.Singleton(new MessagingInstrumentationOptions
        {
            EnableTracing = !settings.DisableTracing,
            EnableMetrics = !settings.DisableMetrics,
        });
        if (serviceKey is null)
        {
            builder.Services.Replace(switches);
        }
        else
        {
            builder.Services.TryAdd(switches);
        }

        if (!settings.DisableHealthChecks)
        {
            builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
                $"iggy_{connectionName}",
                provider => new IggyHealthCheck(Connection(provider)),
                failureStatus: default,
                tags: [HealthCheckTag]));
        }

        if (!settings.DisableTracing)
        {
            builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource(MessagingTelemetry.ActivitySourceName));
        }

        if (!settings.DisableMetrics)
        {
            builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(MessagingTelemetry.MeterName));
        }
    }
}
