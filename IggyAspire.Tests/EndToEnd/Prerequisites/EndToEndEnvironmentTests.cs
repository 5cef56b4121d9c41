namespace IggyAspire.Tests.EndToEnd.Prerequisites;

public sealed class EndToEndEnvironmentTests
{
    [Fact]
    public async Task Without_the_orchestrator_nothing_runs_and_the_reason_names_it()
    {
        // The core library carries no orchestrator metadata, like an AppHost built without Aspire.AppHost.Sdk.
        var runner = new FakeCommandRunner(new Dictionary<string, CommandOutcome>());

        var environment = await EndToEndEnvironment.DetectAsync(typeof(object).Assembly, runner, _ => null, _ => false);

        Assert.Null(environment.ContainerRuntime);
        Assert.NotNull(environment.MissingReason);
        Assert.Contains("carries no 'dcpclipath' assembly metadata", environment.MissingReason, StringComparison.Ordinal);
        Assert.Contains("No running container runtime", environment.NoContainerReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_orchestrator_and_no_runtime_the_app_runs_on_the_test_server_and_says_why()
    {
        var runner = new FakeCommandRunner(new Dictionary<string, CommandOutcome>());
        var environment = new Dictionary<string, string?> { ["DcpPublisher__CliPath"] = "/dcp/dcp", ["ASPIRE_DASHBOARD_PATH"] = "/dashboard" };

        var detected = await EndToEndEnvironment.DetectAsync(typeof(object).Assembly, runner, environment.GetValueOrDefault, path => path == "/dcp/dcp");

        Assert.Equal((null, null, true), (detected.ContainerRuntime, detected.MissingReason, detected.OnTestServer));
        Assert.Contains("No running container runtime", detected.NoContainerReason, StringComparison.Ordinal);
        Assert.StartsWith("Only the apache/iggy container has the data volume, and this machine runs the end-to-end tests on the in-memory test server: No running container runtime", detected.ContainerSkipReason("the data volume"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configured_orchestrator_and_a_running_runtime_leave_nothing_missing()
    {
        var runner = new FakeCommandRunner(new Dictionary<string, CommandOutcome> { ["podman"] = new(CommandStatus.Exited) });
        var environment = new Dictionary<string, string?> { ["DcpPublisher__CliPath"] = "/dcp/dcp", ["ASPIRE_DASHBOARD_PATH"] = "/dashboard" };

        var detected = await EndToEndEnvironment.DetectAsync(typeof(object).Assembly, runner, environment.GetValueOrDefault, path => path == "/dcp/dcp");

        Assert.Equal(new EndToEndEnvironment("podman", null), detected);
        Assert.Equal((false, null), (detected.OnTestServer, detected.ContainerSkipReason("the data volume")));
    }
}
