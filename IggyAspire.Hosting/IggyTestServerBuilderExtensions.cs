using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Iggy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>Adds the IggyAspire test server, an in-memory model of Iggy server 0.8.0, as the Iggy server where Docker is missing.</summary>
public static partial class IggyTestServerBuilderExtensions
{
    /// <summary>What the dashboard shows as the resource's type, so that it never passes for Iggy.</summary>
    public const string ResourceType = "IggyTestServer";

    /// <summary>
    /// Adds the test server project <typeparamref name="TProject"/> (<c>IggyAspire.TestServer.Host</c>) as an Iggy
    /// server: TCP endpoint <c>tcp</c> and HTTP endpoint <c>http</c> on loopback, root credentials from parameters, a
    /// health check on <c>/ping</c>, and the same topology (<see cref="IggyTopologyBuilderExtensions"/>) and dashboard
    /// commands as <see cref="IggyBuilderExtensions.AddIggy"/>. The dashboard shows its type as
    /// <c>IggyTestServer</c>, with properties saying that it is not Iggy, keeps nothing and what it does not model, and
    /// the AppHost logs a warning at start. Choose it explicitly, only where no container runtime runs: it never
    /// replaces the container by itself.
    /// </summary>
    /// <typeparam name="TProject">The test server's project metadata (<c>Projects.IggyAspire_TestServer_Host</c>).</typeparam>
    /// <param name="builder">The distributed application builder.</param>
    /// <param name="name">The resource name; also the connection string and service-discovery name.</param>
    /// <param name="userName">The root user's name; <c>iggy</c> when null.</param>
    /// <param name="password">The root user's password; a generated secret parameter <c>{name}-password</c> when null.</param>
    public static IResourceBuilder<IggyTestServerResource> AddIggyTestServer<TProject>(
        this IDistributedApplicationBuilder builder,
        [ResourceName] string name,
        IResourceBuilder<ParameterResource>? userName = null,
        IResourceBuilder<ParameterResource>? password = null)
        where TProject : IProjectMetadata, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);

        var passwordParameter = password?.Resource
            ?? ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var server = new IggyTestServerResource(name, userName?.Resource, passwordParameter);

        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            LogTestServerInsteadOfIggy(@event.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(IggyTestServerBuilderExtensions).FullName!), name);
            return Task.CompletedTask;
        });

        // WithProjectDefaults is what AddProject applies (OTLP, launch profile, rebuild); it is the documented way to
        // give a project resource a type of its own.
#pragma warning disable ASPIREPROJECTS001
        var project = builder.AddResource(server)
            .WithAnnotation(new TProject())
            .WithProjectDefaults(new ProjectResourceOptions { ExcludeLaunchProfile = true });
#pragma warning restore ASPIREPROJECTS001

        return project
            .WithEndpoint(name: IggyResource.TcpEndpointName, scheme: "tcp")
            .WithHttpEndpoint(name: IggyResource.HttpEndpointName)
            // The test server listens on loopback only (TestServerSettings); Aspire's proxy gives the endpoints their ports.
            .WithEnvironment("IGGY_TCP_ADDRESS", ReferenceExpression.Create($"127.0.0.1:{server.TcpEndpoint.Property(EndpointProperty.TargetPort)}"))
            .WithEnvironment("IGGY_HTTP_ADDRESS", ReferenceExpression.Create($"127.0.0.1:{server.HttpEndpoint.Property(EndpointProperty.TargetPort)}"))
            .WithEnvironment("IGGY_ROOT_USERNAME", server.UserNameReference)
            .WithEnvironment("IGGY_ROOT_PASSWORD", ReferenceExpression.Create($"{passwordParameter}"))
            .WithHttpHealthCheck("/ping", endpointName: IggyResource.HttpEndpointName)
            .WithUrlForEndpoint(IggyResource.TcpEndpointName, url => url.DisplayText = "tcp (test server, not Iggy)")
            .WithUrlForEndpoint(IggyResource.HttpEndpointName, url => url.DisplayText = "http (test server, not Iggy)")
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = ResourceType,
                Properties =
                [
                    new("iggy.server", "the IggyAspire test server, not Iggy: an in-memory model of Iggy server 0.8.0"),
                    new("iggy.keeps", "nothing: a restart starts empty"),
                    new("iggy.not_modelled", "segments, retention, persistence, clustering, the web UI, /metrics"),
                ],
            })
            .WithIconName("Beaker")
            .WithTopologyProvisioning()
            .WithIggyServerCommands();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "'{Name}' is the IggyAspire test server, not the apache/iggy container: an in-memory model of Iggy server 0.8.0 that keeps nothing. Use it only where no container runtime runs.")]
    private static partial void LogTestServerInsteadOfIggy(ILogger logger, string name);
}
