using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IggyAspire.Tests.EndToEnd.Harness;

/// <summary>
/// Bounded waits on Aspire's resource notifications for every instance of a resource: a project with replicas runs as
/// several instances (<c>consumer-abcd1234</c>, ...), and <c>WaitForResourceHealthyAsync(name)</c> returns as soon as
/// any one of them is healthy.
/// </summary>
internal static class ResourceWaits
{
    private const int LastLogLines = 20;

    /// <summary>Waits until as many instances as the resource has replicas are healthy; returns their ids.</summary>
    /// <exception cref="ResourceStoppedException">An instance stopped first: waiting on would only run into the timeout.</exception>
    public static Task<IReadOnlyList<string>> WaitForHealthyInstancesAsync(DistributedApplication app, IResource resource, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitForInstancesAsync(app, resource, snapshot => snapshot.HealthStatus == HealthStatus.Healthy, "healthy", timeout, cancellationToken, failWhenStopped: true);

    /// <summary>Waits until every instance of the resource has stopped (a terminal state such as Exited or Finished).</summary>
    public static Task<IReadOnlyList<string>> WaitForStoppedInstancesAsync(DistributedApplication app, IResource resource, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitForInstancesAsync(app, resource, snapshot => snapshot.State?.Text is { } state && KnownResourceStates.TerminalStates.Contains(state), "stopped", timeout, cancellationToken);

    private static async Task<IReadOnlyList<string>> WaitForInstancesAsync(
        DistributedApplication app,
        IResource resource,
        Func<CustomResourceSnapshot, bool> reached,
        string what,
        TimeSpan timeout,
        CancellationToken cancellationToken,
        bool failWhenStopped = false)
    {
        var replicas = resource.GetReplicaCount();
        var latest = new Dictionary<string, CustomResourceSnapshot>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await foreach (var resourceEvent in app.ResourceNotifications.WatchAsync(deadline.Token))
            {
                if (resourceEvent.Resource != resource)
                {
                    continue;
                }

                latest[resourceEvent.ResourceId] = resourceEvent.Snapshot;
                if (failWhenStopped && IsStopped(resourceEvent.Snapshot))
                {
                    throw await StoppedAsync(app, resource, resourceEvent.ResourceId, resourceEvent.Snapshot, what).ConfigureAwait(false);
                }

                if (latest.Count == replicas && latest.Values.All(reached))
                {
                    return [.. latest.Keys.Order(StringComparer.Ordinal)];
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Reported below with what was seen.
        }

        var seen = latest.Count == 0
            ? "no state at all"
            : string.Join(", ", latest.Select(i => $"{i.Key}: {i.Value.State?.Text ?? "no state"}, health {i.Value.HealthStatus?.ToString() ?? "unknown"}"));
        throw new TimeoutException($"Waited {timeout} for the {replicas} instance(s) of '{resource.Name}' to be {what}; last seen: {seen}.");
    }

    private static bool IsStopped(CustomResourceSnapshot snapshot) =>
        snapshot.State?.Text is { } state && KnownResourceStates.TerminalStates.Contains(state);

    private static async Task<ResourceStoppedException> StoppedAsync(DistributedApplication app, IResource resource, string instance, CustomResourceSnapshot snapshot, string what)
    {
        var lines = new List<string>();
        await foreach (var batch in app.Services.GetRequiredService<ResourceLoggerService>().GetAllAsync(instance).ConfigureAwait(false))
        {
            lines.AddRange(batch.Select(line => line.Content));
        }

        var last = lines.TakeLast(LastLogLines);
        return new ResourceStoppedException(
            $"'{instance}' ({resource.Name}) stopped while waiting for it to be {what}: state {snapshot.State?.Text}, exit code {snapshot.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none"}. Its last {LastLogLines} log lines:{Environment.NewLine}{string.Join(Environment.NewLine, last)}");
    }
}
