namespace IggyAspire.Tests.EndToEnd.Prerequisites;

/// <summary>One container runtime CLI and what <c>{runtime} container ls -n 1</c> gave.</summary>
internal sealed record ContainerRuntimeCheck(string Runtime, CommandOutcome Outcome)
{
    /// <summary>The command answered, so the CLI reached its daemon or service.</summary>
    public bool IsRunning => Outcome.Succeeded;

    public string Describe() => Outcome.Status switch
    {
        CommandStatus.NotFound => $"{Runtime}: not found on PATH",
        CommandStatus.TimedOut => $"{Runtime}: `{Runtime} {string.Join(' ', ContainerRuntimeProbe.ListArguments)}` did not answer within {ContainerRuntimeProbe.Timeout.TotalSeconds:0} s",
        _ when IsRunning => $"{Runtime}: running",
        _ => $"{Runtime}: installed, but `{Runtime} {string.Join(' ', ContainerRuntimeProbe.ListArguments)}` exited with {Outcome.ExitCode}"
            + (Outcome.Output.Length > 0 ? $" ({Outcome.Output})" : string.Empty),
    };
}

/// <summary>
/// Finds a running container runtime the way Aspire does before it starts containers: a runtime named by
/// configuration (<c>DcpPublisher__ContainerRuntime</c>, <c>ASPIRE_CONTAINER_RUNTIME</c>, or the older
/// <c>DOTNET_ASPIRE_CONTAINER_RUNTIME</c>) is the only one checked; otherwise Docker and Podman are both tried and a
/// running one wins, Docker first. "Running" means <c>{runtime} container ls -n 1</c> succeeded, which needs the daemon,
/// not only the CLI.
/// </summary>
internal sealed class ContainerRuntimeProbe(ICommandRunner runner, Func<string, string?> environment)
{
    /// <summary>The configuration keys naming the runtime, in Aspire's order of precedence (environment-variable form).</summary>
    public static readonly string[] RuntimeVariables = ["DcpPublisher__ContainerRuntime", "ASPIRE_CONTAINER_RUNTIME", "DOTNET_ASPIRE_CONTAINER_RUNTIME"];

    /// <summary>The runtimes tried when none is configured, the preferred one first.</summary>
    public static readonly string[] KnownRuntimes = ["docker", "podman"];

    public static readonly string[] ListArguments = ["container", "ls", "-n", "1"];

    /// <summary>How long one runtime may take to answer; a stopped Docker Desktop can hang instead of failing.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>The runtime named by configuration, or null when Aspire would pick one itself.</summary>
    public string? ConfiguredRuntime => RuntimeVariables.Select(environment).FirstOrDefault(value => !string.IsNullOrWhiteSpace(value))?.Trim();

    public async Task<ContainerRuntimeResult> ProbeAsync(CancellationToken cancellationToken)
    {
        var configured = ConfiguredRuntime;
        string[] candidates = configured is null ? KnownRuntimes : [configured];
        var checks = await Task.WhenAll(candidates.Select(async runtime =>
            new ContainerRuntimeCheck(runtime, await runner.RunAsync(runtime, ListArguments, Timeout, cancellationToken))));
        return ContainerRuntimeResult.From(configured, checks);
    }
}

/// <summary>The runtime to use, or why there is none.</summary>
internal sealed record ContainerRuntimeResult(string? Runtime, string? MissingReason)
{
    public static ContainerRuntimeResult From(string? configured, IReadOnlyList<ContainerRuntimeCheck> checks)
    {
        if (checks.FirstOrDefault(check => check.IsRunning) is { } running)
        {
            return new ContainerRuntimeResult(running.Runtime, null);
        }

        var findings = string.Join("; ", checks.Select(check => check.Describe()));
        var advice = configured is null
            ? "Install and start Docker (https://docs.docker.com/get-started/get-docker/) or Podman (https://podman.io); with both installed, ASPIRE_CONTAINER_RUNTIME=podman picks Podman."
            : $"ASPIRE_CONTAINER_RUNTIME (or DcpPublisher__ContainerRuntime) asks for '{configured}': start it, or unset the variable to let Docker or Podman be found.";
        return new ContainerRuntimeResult(null, $"No running container runtime for the iggy container ({findings}). {advice}");
    }
}
