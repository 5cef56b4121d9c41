namespace IggyAspire.Tests.EndToEnd.Prerequisites;

public sealed class ContainerRuntimeProbeTests
{
    private const string DaemonDown = "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?";

    private static readonly CommandOutcome Running = new(CommandStatus.Exited, 0, "CONTAINER ID   IMAGE");

    [Fact]
    public async Task A_docker_CLI_without_its_daemon_and_no_podman_is_no_runtime_and_the_reason_says_both()
    {
        var runner = new FakeCommandRunner(new Dictionary<string, CommandOutcome> { ["docker"] = new(CommandStatus.Exited, 1, DaemonDown) });

        var result = await Probe(runner).ProbeAsync(TestContext.Current.CancellationToken);

        Assert.Null(result.Runtime);
        Assert.Contains($"docker: installed, but `docker container ls -n 1` exited with 1 ({DaemonDown})", result.MissingReason, StringComparison.Ordinal);
        Assert.Contains("podman: not found on PATH", result.MissingReason, StringComparison.Ordinal);
        Assert.Equal(["docker container ls -n 1", "podman container ls -n 1"], runner.Ran.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_running_podman_is_used_when_docker_is_not_running()
    {
        var runner = new FakeCommandRunner(new Dictionary<string, CommandOutcome> { ["docker"] = new(CommandStatus.Exited, 1, DaemonDown), ["podman"] = Running });

        var result = await Probe(runner).ProbeAsync(TestContext.Current.CancellationToken);

        Assert.Equal(("podman", (string?)null), (result.Runtime, result.MissingReason));
    }

    [Fact]
    public async Task Docker_is_preferred_when_both_run()
    {
        var runner = new FakeCommandRunner(new Dictionary<string, CommandOutcome> { ["docker"] = Running, ["podman"] = Running });

        var result = await Probe(runner).ProbeAsync(TestContext.Current.CancellationToken);

        Assert.Equal("docker", result.Runtime);
    }

    [Theory]
    [InlineData("DcpPublisher__ContainerRuntime")]
    [InlineData("ASPIRE_CONTAINER_RUNTIME")]
    [InlineData("DOTNET_ASPIRE_CONTAINER_RUNTIME")]
    public async Task A_configured_runtime_is_the_only_one_tried(string variable)
    {
        var runner = new FakeCommandRunner(new Dictionary<string, CommandOutcome> { ["docker"] = Running });

        var result = await Probe(runner, (variable, "podman")).ProbeAsync(TestContext.Current.CancellationToken);

        Assert.Null(result.Runtime);
        Assert.Equal(["podman container ls -n 1"], runner.Ran);
        Assert.Contains("asks for 'podman'", result.MissingReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_newer_variable_wins_over_the_legacy_one()
    {
        var runner = new FakeCommandRunner(new Dictionary<string, CommandOutcome> { ["docker"] = Running });

        var result = await Probe(runner, ("ASPIRE_CONTAINER_RUNTIME", "docker"), ("DOTNET_ASPIRE_CONTAINER_RUNTIME", "podman")).ProbeAsync(TestContext.Current.CancellationToken);

        Assert.Equal("docker", result.Runtime);
        Assert.Equal(["docker container ls -n 1"], runner.Ran);
    }

    [Fact]
    public async Task A_runtime_that_does_not_answer_in_time_is_not_running()
    {
        var runner = new FakeCommandRunner(new Dictionary<string, CommandOutcome> { ["docker"] = new(CommandStatus.TimedOut) });

        var result = await Probe(runner).ProbeAsync(TestContext.Current.CancellationToken);

        Assert.Null(result.Runtime);
        Assert.Contains("docker: `docker container ls -n 1` did not answer within 10 s", result.MissingReason, StringComparison.Ordinal);
    }

    private static ContainerRuntimeProbe Probe(FakeCommandRunner runner, params (string Name, string Value)[] variables) =>
        new(runner, name => variables.FirstOrDefault(v => v.Name == name).Value);
}
