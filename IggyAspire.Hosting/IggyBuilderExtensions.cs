using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Iggy;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>Adds an Apache Iggy server to the application model and configures it.</summary>
public static partial class IggyBuilderExtensions
{
    private const string DataPath = "/app/local_data";
    private const string WebUiPath = "/ui";

    /// <summary>
    /// Adds the Iggy server container: TCP endpoint <c>tcp</c> (8090) and HTTP endpoint <c>http</c> (3000) bound to all
    /// interfaces inside the container, QUIC and WebSocket listeners off, root credentials from parameters, the
    /// runtime rights io_uring needs, a health check on the HTTP <c>/ping</c>, and the dashboard command
    /// <c>Server stats</c> (<c>GET /stats</c> as a Markdown summary). Streams, topics and consumer groups declared on it
    /// with <see cref="IggyTopologyBuilderExtensions"/> are created each time it becomes ready.
    /// </summary>
    /// <param name="builder">The distributed application builder.</param>
    /// <param name="name">The resource name; also the connection string and service-discovery name.</param>
    /// <param name="userName">The root user's name; <c>iggy</c> when null.</param>
    /// <param name="password">The root user's password; a generated secret parameter <c>{name}-password</c> when null.</param>
    /// <param name="tcpPort">The host port of the TCP endpoint; random when null.</param>
    /// <param name="httpPort">The host port of the HTTP endpoint; random when null.</param>
    public static IResourceBuilder<IggyResource> AddIggy(
        this IDistributedApplicationBuilder builder,
        [ResourceName] string name,
        IResourceBuilder<ParameterResource>? userName = null,
        IResourceBuilder<ParameterResource>? password = null,
        int? tcpPort = null,
        int? httpPort = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        IggyResourceValidation.ThrowIfInvalidPort(tcpPort, nameof(tcpPort));
        IggyResourceValidation.ThrowIfInvalidPort(httpPort, nameof(httpPort));

        // No special characters: the password also travels inside the iggy:// URI and through shells in the docs.
        var passwordParameter = password?.Resource
            ?? ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var iggy = new IggyResource(name, userName?.Resource, passwordParameter);

        builder.Eventing.Subscribe<BeforeStartEvent>((_, _) =>
        {
            IggyResourceValidation.ThrowIfInvalid(iggy);
            return Task.CompletedTask;
        });

        // What a published model cannot carry (the runtime arguments below, a topic's expiry and size) is said when
        // the AppHost publishes, so that a deployment made from it knows what to add.
        if (builder.ExecutionContext.IsPublishMode)
        {
            builder.Eventing.Subscribe<BeforeStartEvent>((@event, ct) => IggyPublishWarnings.WarnAsync(iggy, @event, ct));
        }

        return builder.AddResource(iggy)
            .WithImage(IggyContainerImageTags.Image, IggyContainerImageTags.Tag)
            .WithImageRegistry(IggyContainerImageTags.Registry)
            .WithEndpoint(port: tcpPort, targetPort: IggyResource.TcpTargetPort, name: IggyResource.TcpEndpointName)
            .WithHttpEndpoint(port: httpPort, targetPort: IggyResource.HttpTargetPort, name: IggyResource.HttpEndpointName)
            // The image binds every listener to 127.0.0.1, which nothing outside the container can reach.
            .WithEnvironment("IGGY_TCP_ADDRESS", BindAll(IggyResource.TcpTargetPort))
            .WithEnvironment("IGGY_HTTP_ADDRESS", BindAll(IggyResource.HttpTargetPort))
            .WithEnvironment("IGGY_QUIC_ENABLED", "false")
            .WithEnvironment("IGGY_WEBSOCKET_ENABLED", "false")
            .WithEnvironment("IGGY_ROOT_USERNAME", iggy.UserNameReference)
            .WithEnvironment("IGGY_ROOT_PASSWORD", ReferenceExpression.Create($"{passwordParameter}"))
            // Server 0.8.0 runs on io_uring; without these the container panics at start (Docker 25+ seccomp blocks it).
            .WithContainerRuntimeArgs("--cap-add", "SYS_NICE", "--security-opt", "seccomp=unconfined", "--ulimit", "memlock=-1:-1")
            .WithHttpHealthCheck("/ping", endpointName: IggyResource.HttpEndpointName)
            .WithIconName("Mailbox")
            .WithTopologyProvisioning()
            .WithIggyServerCommands();
    }

    /// <summary>Keeps the server's data (<c>/app/local_data</c>) in a named volume, so it survives container restarts.</summary>
    /// <param name="builder">The Iggy resource.</param>
    /// <param name="name">The volume name; one derived from the app and resource names when null.</param>
    public static IResourceBuilder<IggyResource> WithDataVolume(this IResourceBuilder<IggyResource> builder, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(builder);

        return builder.WithVolume(name ?? VolumeNameGenerator.Generate(builder, "data"), DataPath);
    }

    /// <summary>Keeps the server's data (<c>/app/local_data</c>) in a folder of the host.</summary>
    /// <param name="builder">The Iggy resource.</param>
    /// <param name="source">The host folder.</param>
    public static IResourceBuilder<IggyResource> WithDataBindMount(this IResourceBuilder<IggyResource> builder, string source)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(source);

        return builder.WithBindMount(source, DataPath);
    }

    /// <summary>
    /// Turns on the web UI that server 0.8.0 embeds at <c>/ui</c> on its HTTP endpoint (off by default) and shows it
    /// as a link on the resource. It logs in with the same root credentials; no second container is needed.
    /// </summary>
    /// <param name="builder">The Iggy resource.</param>
    public static IResourceBuilder<IggyResource> WithWebUI(this IResourceBuilder<IggyResource> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        return builder
            .WithEnvironment("IGGY_HTTP_WEB_UI", "true")
            .WithUrlForEndpoint(IggyResource.HttpEndpointName, _ => new ResourceUrlAnnotation
            {
                Url = WebUiPath,
                DisplayText = "Web UI",
            });
    }

    /// <summary>
    /// Turns on the server's heartbeat check (<c>IGGY_HEARTBEAT_ENABLED</c>, <c>IGGY_HEARTBEAT_INTERVAL</c>; off in
    /// server 0.8.0 by default), so that a client whose connection died without a FIN or RST is deleted, with its
    /// consumer-group membership, instead of holding its partitions for ever (server 0.8.0 has TCP keepalive off).
    /// The connection string then asks clients to ping at half the interval (<c>heartbeat_interval</c>), which
    /// <c>AddIggyClient</c> honours. Opt-in: the server also deletes every other TCP client that does not ping within
    /// 1.2 times the interval, such as plain Apache.Iggy 0.8.0 code (which sends no heartbeat) or a CLI session.
    /// </summary>
    /// <remarks>
    /// The check runs every interval and deletes a client whose last ping is older than 1.2 × the interval (apache/iggy
    /// server-0.8.0, core/server/src/shard/tasks/periodic/heartbeat_verifier.rs); only a ping refreshes it
    /// (core/server/src/binary/handlers/system/ping_handler.rs).
    /// </remarks>
    /// <param name="builder">The Iggy resource.</param>
    /// <param name="interval">The check's interval, at least 2 seconds; 5 seconds (the server's default) when omitted.</param>
    public static IResourceBuilder<IggyResource> WithHeartbeat(this IResourceBuilder<IggyResource> builder, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var checkEvery = interval ?? TimeSpan.FromSeconds(5);
        if (checkEvery < TimeSpan.FromSeconds(2))
        {
            throw new ArgumentOutOfRangeException(nameof(interval), checkEvery, "The heartbeat interval must be at least 2 seconds: clients ping at half of it, and a shorter one drops clients on a busy machine.");
        }

        builder.Resource.HeartbeatInterval = checkEvery;
        return builder
            .WithEnvironment("IGGY_HEARTBEAT_ENABLED", "true")
            .WithEnvironment("IGGY_HEARTBEAT_INTERVAL", FormattableString.Invariant($"{(long)checkEvery.TotalMilliseconds}ms"));
    }

    /// <summary>
    /// Points the server's own OpenTelemetry exporter (<c>IGGY_TELEMETRY_*</c>: logs and traces, no metrics) at the
    /// Aspire dashboard's OTLP/HTTP endpoint, so broker-side logs and spans appear beside the workers'. Opt-in.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Always OTLP over HTTP: server 0.8.0 builds its exporter inside a compio runtime, which has no Tokio runtime,
    /// and the gRPC (tonic) exporter needs Tokio when it is built, so the <c>grpc</c> transport would panic at start;
    /// the HTTP transport goes through Iggy's own runtime adapter (apache/iggy server-0.8.0,
    /// core/server/src/log/logger.rs). The dashboard therefore needs an OTLP/HTTP endpoint
    /// (<c>ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL</c>, which this repository's AppHost sets); without one the server's
    /// exporter stays off and the AppHost logs why. The endpoint must be plain <c>http://</c>: the exporter is built
    /// without TLS.
    /// </para>
    /// <para>
    /// The dashboard's API key reaches the server in <c>OTEL_EXPORTER_OTLP_HEADERS</c>, which the Rust OTLP exporter
    /// reads (opentelemetry-otlp 0.31, its HTTP exporter builder's headers from the environment).
    /// </para>
    /// </remarks>
    /// <param name="builder">The Iggy resource.</param>
    public static IResourceBuilder<IggyResource> WithServerTelemetry(this IResourceBuilder<IggyResource> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        return builder
            .WithOtlpExporter(OtlpProtocol.HttpProtobuf)
            .WithEnvironment(context =>
            {
                // Aspire's OTLP callback (added just before this one) has chosen the endpoint and protocol; in publish
                // mode it sets neither and neither do we.
                if (!context.EnvironmentVariables.TryGetValue("OTEL_EXPORTER_OTLP_ENDPOINT", out var endpoint)
                    || !context.EnvironmentVariables.TryGetValue("OTEL_EXPORTER_OTLP_PROTOCOL", out var protocol))
                {
                    return;
                }

                // Aspire falls back to the dashboard's gRPC endpoint when it has no OTLP/HTTP one
                // (OtlpConfigurationExtensions.ResolveOtlpEndpointFromDashboard); gRPC would crash the server.
                if (!Equals(protocol, "http/protobuf"))
                {
                    LogServerTelemetryOff(context.Logger, protocol);
                    return;
                }

                context.EnvironmentVariables["IGGY_TELEMETRY_ENABLED"] = "true";
                context.EnvironmentVariables["IGGY_TELEMETRY_SERVICE_NAME"] = builder.Resource.Name;
                context.EnvironmentVariables["IGGY_TELEMETRY_LOGS_TRANSPORT"] = "http";
                context.EnvironmentVariables["IGGY_TELEMETRY_TRACES_TRANSPORT"] = "http";
                context.EnvironmentVariables["IGGY_TELEMETRY_LOGS_ENDPOINT"] = WithPath(endpoint, "/v1/logs");
                context.EnvironmentVariables["IGGY_TELEMETRY_TRACES_ENDPOINT"] = WithPath(endpoint, "/v1/traces");
            });
    }

    /// <summary>
    /// Gives <paramref name="builder"/> both ways to find the server: the service-discovery endpoints
    /// (<c>services__{name}__tcp__0</c>, <c>services__{name}__http__0</c>) and the connection string
    /// (<c>ConnectionStrings__{name}</c>) with its properties. Aspire's own overloads would give only one of them:
    /// for a resource with both, <c>WithReference(iggy)</c> binds to the service-discovery one. C# picks this overload
    /// instead because <see cref="IIggyServerResource"/> is both, so converting to it is the better conversion.
    /// </summary>
    /// <param name="builder">The resource that talks to Iggy.</param>
    /// <param name="source">The Iggy server: the container or the test server.</param>
    public static IResourceBuilder<TDestination> WithReference<TDestination>(this IResourceBuilder<TDestination> builder, IResourceBuilder<IIggyServerResource> source)
        where TDestination : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(source);

        ResourceBuilderExtensions.WithReference(builder, (IResourceBuilder<IResourceWithServiceDiscovery>)source);
        return ResourceBuilderExtensions.WithReference(builder, (IResourceBuilder<IResourceWithConnectionString>)source);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Iggy server's telemetry stays off: the dashboard offers OTLP over {Protocol} only, and server 0.8.0 can export over HTTP only. Set ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL (for example http://localhost:19213) in the AppHost's launch profile.")]
    private static partial void LogServerTelemetryOff(ILogger logger, object protocol);

    private static string BindAll(int port) => string.Create(CultureInfo.InvariantCulture, $"0.0.0.0:{port}");

    // Keeps Aspire's value a reference, so it still resolves to the address the container can reach.
    private static object WithPath(object endpoint, string path) => endpoint switch
    {
        EndpointReference reference => ReferenceExpression.Create($"{reference}{path}"),
        HostUrl url => ReferenceExpression.Create($"{url}{path}"),
        ReferenceExpression expression => ReferenceExpression.Create($"{expression}{path}"),
        _ => $"{endpoint.ToString()?.TrimEnd('/')}{path}",
    };
}
