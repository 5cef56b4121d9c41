using System.Net;
using System.Net.Sockets;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using IggyAspire.Tests.EndToEnd.Harness;
using IggyAspire.Tests.EndToEnd.Prerequisites;
using Microsoft.Extensions.DependencyInjection;

namespace IggyAspire.Tests.EndToEnd;

/// <summary>
/// The AppHost's workers under Aspire's orchestrator with no container runtime at all: AppHost.cs is given an existing
/// server's connection string (as a team's shared server would be) at an address nobody listens on. Each worker must
/// launch, receive the connection string, reach its connect step and then fail the documented way, visibly in its
/// state and its log; none may crash before that.
/// </summary>
// In the end-to-end collection like every class that starts the AppHost: run beside another app, both apps' workers
// take the same ports (their launch profiles), and the other app's stop of a consumer failed ("Failed to stop resource").
[Collection(EndToEndGroup.Name)]
public sealed class WorkersWithoutAServerTests
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan StopWait = TimeSpan.FromMinutes(2);

    [Fact(Timeout = EndToEndGroup.TestTimeout)]
    public async Task Each_worker_launches_with_its_configuration_tries_to_connect_and_reports_the_timeout()
    {
        var missing = new OrchestratorProbe(Environment.GetEnvironmentVariable, File.Exists).FindMissing(typeof(Projects.IggyAspire_AppHost).Assembly);
        Assert.SkipWhen(missing is not null, $"This test runs the AppHost's workers under Aspire's orchestrator (no container runtime needed). Missing: {missing}");
        var cancellationToken = TestContext.Current.CancellationToken;
        var connectionString = $"iggy://iggy:secret@127.0.0.1:{ClosedPort()}";

        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.IggyAspire_AppHost>(
            [$"--ConnectionStrings:iggy={connectionString}"], cancellationToken);
        var workers = builder.Resources.OfType<ProjectResource>().ToList();
        Assert.Equal(["consumer", "producer"], workers.Select(worker => worker.Name).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(builder.Resources, resource => resource is ContainerResource);
        foreach (var worker in workers)
        {
            builder.CreateResourceBuilder(worker).WithEnvironment("Aspire__Apache__Iggy__ConnectTimeout", ConnectTimeout.ToString());
        }

        await using var app = await builder.BuildAsync(cancellationToken);
        await app.StartAsync(cancellationToken);

        var logs = app.Services.GetRequiredService<ResourceLoggerService>();
        foreach (var worker in workers)
        {
            var instances = await ResourceWaits.WaitForStoppedInstancesAsync(app, worker, StopWait, cancellationToken);
            Assert.Equal(worker.GetReplicaCount(), instances.Count);
            foreach (var instance in instances)
            {
                Assert.True(app.ResourceNotifications.TryGetCurrentState(instance, out var state), $"No state for {instance}.");
                Assert.NotEqual(0, state.Snapshot.ExitCode);
                Assert.Contains(state.Snapshot.EnvironmentVariables, variable => variable is { Name: "ConnectionStrings__iggy" } && variable.Value == connectionString);

                var lines = new List<string>();
                await foreach (var batch in logs.GetAllAsync(instance).WithCancellation(cancellationToken))
                {
                    lines.AddRange(batch.Select(line => line.Content));
                }

                var log = string.Join('\n', lines);
                Assert.Contains("Disconnected -> Connecting", log, StringComparison.Ordinal);
                Assert.Contains("System.TimeoutException: Could not connect and log in to Iggy at 127.0.0.1:", log, StringComparison.Ordinal);
                Assert.Contains("(Aspire:Apache:Iggy:ConnectTimeout)", log, StringComparison.Ordinal);
                Assert.DoesNotContain("InvalidOperationException", log, StringComparison.Ordinal);
            }
        }
    }

    [Fact(Timeout = EndToEndGroup.TestTimeout)]
    public async Task Waiting_for_a_worker_that_exits_fails_at_once_with_its_exit_code_and_last_log_lines()
    {
        var missing = new OrchestratorProbe(Environment.GetEnvironmentVariable, File.Exists).FindMissing(typeof(Projects.IggyAspire_AppHost).Assembly);
        Assert.SkipWhen(missing is not null, $"This test runs the AppHost's workers under Aspire's orchestrator (no container runtime needed). Missing: {missing}");
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.IggyAspire_AppHost>(
            [$"--ConnectionStrings:iggy=iggy://iggy:secret@127.0.0.1:{ClosedPort()}"], cancellationToken);
        var producer = builder.Resources.OfType<ProjectResource>().Single(resource => resource.Name == "producer");
        builder.CreateResourceBuilder(producer).WithEnvironment("Aspire__Apache__Iggy__ConnectTimeout", ConnectTimeout.ToString());
        await using var app = await builder.BuildAsync(cancellationToken);
        await app.StartAsync(cancellationToken);

        // The harness's wait for healthy: the producer exits after its connect timeout, long before this wait's own.
        var stopped = await Assert.ThrowsAsync<ResourceStoppedException>(
            () => ResourceWaits.WaitForHealthyInstancesAsync(app, producer, TimeSpan.FromMinutes(10), cancellationToken));

        Assert.Contains("(producer) stopped while waiting for it to be healthy", stopped.Message, StringComparison.Ordinal);
        Assert.Contains("exit code 134", stopped.Message, StringComparison.Ordinal);
        Assert.Contains("(Aspire:Apache:Iggy:ConnectTimeout)", stopped.Message, StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
