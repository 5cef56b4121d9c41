using System.Reflection;

namespace IggyAspire.Tests.EndToEnd.Prerequisites;

/// <summary>
/// What the end-to-end tests need from this machine, found out once per test run before anything starts: Aspire's
/// orchestrator for the AppHost and a running container runtime for the iggy container. A test that lacks either calls
/// <see cref="Require"/> and is skipped with the reason, never passed.
/// </summary>
internal sealed record EndToEndEnvironment(string? ContainerRuntime, string? MissingReason)
{
    private static readonly Lazy<Task<EndToEndEnvironment>> Detected = new(() => DetectAsync(
        typeof(Projects.IggyAspire_AppHost).Assembly,
        new ProcessCommandRunner(),
        Environment.GetEnvironmentVariable,
        File.Exists));

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
        string[] missing = [.. new[] { orchestrator, runtime.MissingReason }.OfType<string>()];
        return new EndToEndEnvironment(
            runtime.Runtime,
            missing.Length == 0 ? null : $"The end-to-end tests start the whole AppHost, which needs Aspire's orchestrator and a container runtime. Missing: {string.Join(" | ", missing)}");
    }

    /// <summary>Skips the calling test when something is missing; returns the environment otherwise.</summary>
    public EndToEndEnvironment Require()
    {
        if (MissingReason is not null)
        {
            Assert.Skip(MissingReason);
        }

        return this;
    }
}
