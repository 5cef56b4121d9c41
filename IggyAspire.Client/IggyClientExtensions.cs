using Apache.Iggy.IggyClient;
using IggyAspire.Client;
using IggyAspire.Messaging.Connection;
using IggyAspire.Messaging.Options;
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
    /// <summary>The tag of the Iggy health check: it says whether the worker can reach the server, not whether it lives.</summary>
    public const string HealthCheckTag = "ready";

    /// <summary>
    /// Registers one <see cref="IggyClientConnection"/> to the Iggy server named <paramref name="connectionName"/>,
    /// which connects and logs in its <see cref="IIggyClient"/> when the host starts; the messaging core's
    /// <see cref="IIggyTransport"/> on top of it; a health check (the SDK's ping); and the messaging traces and metrics.
    /// </summary>
    /// <remarks>
    /// The server's TCP endpoint comes from service discovery (<c>services:{name}:tcp:0</c>, which the AppHost
    /// provides), else from the connection string <c>ConnectionStrings:{name}</c>
    /// (<c>iggy://user:password@host:port</c>); credentials come from the connection string or from the
    /// <c>Iggy:Client</c> settings, which win. A reference to an Iggy topic or consumer group also brings their names
    /// (<c>{NAME}_STREAM</c>, <c>{NAME}_TOPIC</c>, <c>{NAME}_CONSUMERGROUP</c>), which then configure the producer's and
    /// consumer's topology over <c>Iggy:Topology</c>. Each of the health check, tracing and metrics has a Disable*
    /// switch.
    /// </remarks>
    /// <param name="builder">The host builder to read configuration from and add services to.</param>
    /// <param name="connectionName">The resource name: the service-discovery name and the connection string name.</param>
    /// <param name="configureSettings">Changes the settings after they are read from configuration.</param>
    public static void AddIggyClient(this IHostApplicationBuilder builder, string connectionName, Action<IggyClientSettings>? configureSettings = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);

        var settings = new IggyClientSettings();
        builder.Configuration.GetSection(IggyClientSettings.DefaultConfigSectionName).Bind(settings);
        if (builder.Configuration.GetConnectionString(connectionName) is { } connectionString)
        {
            settings.ConnectionString = connectionString;
        }

        configureSettings?.Invoke(settings);
        settings.Validate();

        builder.Services.AddServiceDiscovery();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton(provider => new IggyServerAddressResolver(provider.GetRequiredService<ServiceEndpointResolver>()));
        builder.Services.AddSingleton(provider => new IggyClientConnection(
            connectionName, settings, provider.GetRequiredService<IggyServerAddressResolver>(), provider.GetRequiredService<ILoggerFactory>(),
            provider.GetRequiredService<TimeProvider>()));
        builder.Services.AddHostedService(provider => provider.GetRequiredService<IggyClientConnection>());
        builder.Services.PostConfigure<TopologyOptions>(topology => IggyReferencedTopology.Apply(builder.Configuration, connectionName, topology));
        builder.Services.AddSingleton<IIggyTransport>(provider => new IggyTransport(provider.GetRequiredService<IggyClientConnection>()));
        builder.Services.TryAddSingleton(new MessagingInstrumentationOptions
        {
            EnableTracing = !settings.DisableTracing,
            EnableMetrics = !settings.DisableMetrics,
        });

        if (!settings.DisableHealthChecks)
        {
            builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
                $"iggy_{connectionName}",
                provider => new IggyHealthCheck(provider.GetRequiredService<IggyClientConnection>()),
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
