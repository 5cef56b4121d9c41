using System.Reflection;

namespace IggyAspire.Tests.EndToEnd.Prerequisites;

/// <summary>
/// What the end-to-end tests need from this machine, found out once per test run before anything starts: Aspire's
/// orchestrator for the AppHost, and a running container runtime for the iggy container. Without the orchestrator
/// every test is skipped with the reason (<see cref="Require"/>), never passed. Without a container runtime the app
/// runs on the in-memory test server instead (the AppHost's <c>test-server</c> mode), and only the tests that the
/// real container alone can answer are skipped (<see cref="RequireContainer"/>), naming both what they need and why
/// it is missing.
/// </summary>
/// <param name="ContainerRuntime">The runtime the iggy container runs on, or null on the test server.</param>
/// <param name="MissingReason">Why nothing can run here, or null.</param>
/// <param name="NoContainerReason">Why the app runs on the test server, or null when it runs the container.</param>
internal sealed record EndToEndEnvironment(string? ContainerRuntime, string? MissingReason, string? NoContainerReason = null)
{
    private static readonly Lazy<Task<EndToEndEnvironment>> Detected = new(() => DetectAsync(
        typeof(Projects.IggyAspire_AppHost).Assembly,
        new ProcessCommandRunner(),
        Environment.GetEnvironmentVariable,
        File.Exists));

    /// <summary>Whether the app runs on the in-memory test server rather than the apache/iggy container.</summary>
    public bool OnTestServer => ContainerRuntime is null;

    /// <summary>This machine's answer, computed on first use (the runtime probe runs each CLI with a time limit).</summary>
    public static Task<EndToEndEnvironment> CurrentAsync() => Detected.Value;

    public static async Task<EndToEndEnvironment> DetectAsync(
        Assembly appHost,
        ICommandRunner runner,
        Func<string, string?> environment,
        Func<string, bool> fileExists)
    {
        var orchestrator = new OrchestratorProbe(environment, fileExists).FindMissing(appHost);
        var runtime = await new ContainerRuntimeProbe(runner, environment).ProbeAsync(CancellationToken.None);
        return new EndToEndEnvironment(
            runtime.Runtime,
            orchestrator is null ? null : $"The end-to-end tests start the whole AppHost, which needs Aspire's orchestrator. Missing: {orchestrator}",
            runtime.MissingReason);
    }

    /// <summary>Skips the calling test when the AppHost cannot run here; returns the environment otherwise.</summary>
    public EndToEndEnvironment Require()
    {
        if (MissingReason is not null)
        {
            Assert.Skip(MissingReason);
        }

        return this;
    }

    /// <summary>Skips the calling test unless the app runs the real container, which alone has <paramref name="what"/>.</summary>
    public EndToEndEnvironment RequireContainer(string what)
    {
        Require();
        if (ContainerSkipReason(what) is { } reason)
        {
            Assert.Skip(reason);
        }

        return this;
    }

    /// <summary>Why a test that needs <paramref name="what"/> of the container is skipped here, or null when it runs.</summary>
    public string? ContainerSkipReason(string what) => OnTestServer
        ? $"Only the apache/iggy container has {what}, and this machine runs the end-to-end tests on the in-memory test server: {NoContainerReason}"
        : null;
}
