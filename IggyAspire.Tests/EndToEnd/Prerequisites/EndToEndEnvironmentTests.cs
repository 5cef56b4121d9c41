namespace IggyAspire.Tests.EndToEnd.Prerequisites;

public sealed class EndToEndEnvironmentTests
{
    [Fact]
    public async Task Everything_missing_is_named_in_one_reason()
    {
        // The core library carries no orchestrator metadata, like an AppHost built without Aspire.AppHost.Sdk.
        var runner = new FakeCommandRunner(new Dictionary<string, CommandOutcome>());

        var environment = await EndToEndEnvironment.DetectAsync(typeof(object).Assembly, runner, _ => null, _ => false);

        Assert.Null(environment.ContainerRuntime);
        Assert.NotNull(environment.MissingReason);
        Assert.Contains("carries no 'dcpclipath' assembly metadata", environment.MissingReason, StringComparison.Ordinal);
        Assert.Contains("No running container runtime", environment.MissingReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configured_orchestrator_and_a_running_runtime_leave_nothing_missing()
    {
        var runner = new FakeCommandRunner(new Dictionary<string, CommandOutcome> { ["podman"] = new(CommandStatus.Exited) });
        var environment = new Dictionary<string, string?> { ["DcpPublisher__CliPath"] = "/dcp/dcp", ["ASPIRE_DASHBOARD_PATH"] = "/dashboard" };

        var detected = await EndToEndEnvironment.DetectAsync(typeof(object).Assembly, runner, environment.GetValueOrDefault, path => path == "/dcp/dcp");

        Assert.Equal(new EndToEndEnvironment("podman", null), detected);
    }
}
