using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using IggyAspire.Messaging.Connection;
using IggyAspire.Tests.EndToEnd.Prerequisites;
using IggyAspire.Tests.EndToEnd.WorkerLogs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IggyAspire.Tests.EndToEnd.Harness;

/// <summary>
/// The whole AppHost (AppHost.cs: <c>iggy</c>, <c>producer</c>, <c>consumer</c> with two replicas) started under
/// Aspire.Hosting.Testing and healthy, with a watch on every worker instance's log. With a container runtime, iggy is
/// the apache/iggy container and one change is made to the model: its data volume gets a fresh name per app (removed
/// again on dispose), so no run sees another run's streams, offsets or root password. Without one, the AppHost runs in
/// its <c>test-server</c> mode: iggy is the in-memory test server, which starts empty every time.
/// </summary>
internal sealed class IggyTestApp : IAsyncDisposable
{
    public const string IggyName = "iggy";
    public const string ProducerName = "producer";
    public const string ConsumerName = "consumer";

    /// <summary>Building, starting and getting every resource healthy; the first run also pulls apache/iggy.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Waiting for what the workers log, or for a resource to stop or become healthy again.</summary>
    public static readonly TimeSpan ObserveTimeout = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan DisposeTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan VolumeRemovalTimeout = TimeSpan.FromSeconds(30);

    private readonly IDistributedApplicationTestingBuilder _builder;
    private readonly string? _containerRuntime;
    private WorkerLogWatch? _logs;

    /// <summary>The AppHost's switch to its test-server mode, as the <c>test-server</c> launch profile sets it.</summary>
    private const string TestServerSwitch = "--IggyAspire:Server=test-server";

    private IggyTestApp(IDistributedApplicationTestingBuilder builder, DistributedApplication app, string? containerRuntime, string dataVolume, DeclaredTopology topology)
    {
        _builder = builder;
        _containerRuntime = containerRuntime;
        App = app;
        DataVolume = dataVolume;
        Topology = topology;
    }

    public DistributedApplication App { get; }

    public string DataVolume { get; }

    /// <summary>Stream, topic, partition count and consumer group as the AppHost configures them for both workers.</summary>
    public DeclaredTopology Topology { get; }

    /// <summary>The ids of each resource's instances (<c>consumer-abcd1234</c>, ...), by resource name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Instances { get; private set; } = new Dictionary<string, IReadOnlyList<string>>();

    public IReadOnlyList<string> ConsumerInstances => Instances[ConsumerName];

    /// <summary>The log watch on every producer and consumer instance, from their start.</summary>
    public WorkerLogWatch Logs => _logs ?? throw new InvalidOperationException("The app has not started.");

    public static async Task<IggyTestApp> StartAsync(EndToEndEnvironment environment, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.IggyAspire_AppHost>(environment.OnTestServer ? [TestServerSwitch] : [], deadline.Token);
        IggyTestApp? testApp = null;
        try
        {
            var dataVolume = environment.OnTestServer ? string.Empty : UseFreshDataVolume(builder);
            ExportNoTelemetry(builder);
            var topology = Declared(builder);

            testApp = new IggyTestApp(builder, await builder.BuildAsync(deadline.Token), environment.ContainerRuntime, dataVolume, topology);
            await testApp.App.StartAsync(deadline.Token);
            var instances = new Dictionary<string, IReadOnlyList<string>>();
            foreach (var name in new[] { IggyName, ProducerName, ConsumerName })
            {
                instances[name] = await testApp.WaitForHealthyAsync(name, StartTimeout, deadline.Token);
            }

            testApp.Instances = instances;
            testApp._logs = WorkerLogWatch.Start(testApp.App.Services.GetRequiredService<ResourceLoggerService>(), [.. instances[ProducerName], .. instances[ConsumerName]]);
            return testApp;
        }
        catch (Exception exception)
        {
            await (testApp?.DisposeAsync() ?? builder.DisposeAsync());
            if (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The AppHost did not start with every resource healthy within {StartTimeout}.", exception);
            }

            throw;
        }
    }

    public IResource Resource(string name) =>
        App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(resource => resource.Name == name);

    public Task<IReadOnlyList<string>> WaitForHealthyAsync(string name, TimeSpan timeout, CancellationToken cancellationToken) =>
        ResourceWaits.WaitForHealthyInstancesAsync(App, Resource(name), timeout, cancellationToken);

    /// <summary>
    /// Runs one of Aspire's resource commands (<see cref="KnownResourceCommands"/>: stop, start, restart) on every
    /// instance of the resource, as the dashboard's buttons do, and waits for the instances to be stopped or healthy.
    /// </summary>
    public async Task ExecuteAsync(string name, string command, CancellationToken cancellationToken)
    {
        var resource = Resource(name);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(ObserveTimeout);
        var result = await App.ResourceCommands.ExecuteCommandAsync(resource, command, deadline.Token);
        Assert.True(result.Success, $"The '{command}' command on '{name}' failed: {result.Message}");

        if (command == KnownResourceCommands.StopCommand)
        {
            await ResourceWaits.WaitForStoppedInstancesAsync(App, resource, ObserveTimeout, cancellationToken);
        }
        else
        {
            await ResourceWaits.WaitForHealthyInstancesAsync(App, resource, ObserveTimeout, cancellationToken);
        }
    }

    /// <summary>The root user's name and password, read from the app's own connection string for iggy.</summary>
    public async Task<(string Username, string Password)> RootCredentialsAsync(CancellationToken cancellationToken)
    {
        var connectionString = IggyConnectionString.Parse(await App.GetConnectionStringAsync(IggyName, cancellationToken) ?? string.Empty);
        Assert.False(string.IsNullOrEmpty(connectionString.Username), "The iggy connection string has no user name.");
        Assert.False(string.IsNullOrEmpty(connectionString.Password), "The iggy connection string has no password.");
        return (connectionString.Username, connectionString.Password);
    }

    /// <summary>A client for iggy's HTTP API; dispose it.</summary>
    public HttpClient CreateIggyHttpClient() => App.CreateHttpClient(IggyName, "http");

    public async ValueTask DisposeAsync()
    {
        if (_logs is not null)
        {
            await _logs.DisposeAsync();
        }

        // Disposing the testing builder stops the app, waits for its resources to be cleaned up and disposes it.
        await _builder.DisposeAsync().AsTask().WaitAsync(DisposeTimeout);
        await RemoveDataVolumeAsync();
    }

    private static DeclaredTopology Declared(IDistributedApplicationTestingBuilder builder)
    {
        var topic = builder.Resources.OfType<IggyTopicResource>().Single();
        var group = builder.Resources.OfType<IggyConsumerGroupResource>().Single();
        return new DeclaredTopology(topic.Parent.StreamName, topic.TopicName, (uint)topic.Partitions, group.ConsumerGroupName);
    }

    // Aspire.Hosting.Testing runs no dashboard, yet gives every project the dashboard's OTLP endpoint
    // (http://localhost:4317), where nothing listens: on SIGTERM each worker's OpenTelemetry providers then retry their
    // last export until their timeouts, so a Stop took 11 s or more and Aspire gave up on it after about 15 s ("Failed
    // to stop resource"). Without the endpoint, ServiceDefaults adds no exporter; spans and trace ids stay as they are.
    private static void ExportNoTelemetry(IDistributedApplicationTestingBuilder builder)
    {
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            project.Annotations.Add(new EnvironmentCallbackAnnotation(context => context.EnvironmentVariables.Remove("OTEL_EXPORTER_OTLP_ENDPOINT")));
        }
    }

    private static string UseFreshDataVolume(IDistributedApplicationTestingBuilder builder)
    {
        var iggy = builder.Resources.OfType<IggyResource>().Single(resource => resource.Name == IggyName);
        var volume = iggy.Annotations.OfType<ContainerMountAnnotation>().SingleOrDefault(mount => mount.Type == ContainerMountType.Volume)
            ?? throw new InvalidOperationException("The AppHost's iggy resource has no data volume; the end-to-end tests expect AppHost.cs to call WithDataVolume().");

        var name = $"iggyaspire-e2e-{Guid.NewGuid():N}";
        iggy.Annotations.Remove(volume);
        iggy.Annotations.Add(new ContainerMountAnnotation(name, volume.Target, ContainerMountType.Volume, volume.IsReadOnly));
        return name;
    }

    // Best effort: the container is gone by now; a volume left behind is harmless and named iggyaspire-e2e-*.
    private async Task RemoveDataVolumeAsync()
    {
        if (_containerRuntime is null)
        {
            return;
        }

        var outcome = await new ProcessCommandRunner().RunAsync(_containerRuntime, ["volume", "rm", DataVolume], VolumeRemovalTimeout, CancellationToken.None);
        if (!outcome.Succeeded)
        {
            TestContext.Current.SendDiagnosticMessage($"Could not remove the test volume {DataVolume} ({outcome.Status} {outcome.ExitCode}: {outcome.Output}); `{_containerRuntime} volume rm {DataVolume}` removes it.");
        }
    }
}
