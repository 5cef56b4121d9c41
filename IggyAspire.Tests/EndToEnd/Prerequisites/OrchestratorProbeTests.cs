namespace IggyAspire.Tests.EndToEnd.Prerequisites;

public sealed class OrchestratorProbeTests
{
    private const string Dcp = "/packages/aspire.hosting.orchestration.linux-x64/13.5.2/tools/dcp";
    private const string Dashboard = "/packages/aspire.dashboard.sdk.linux-x64/13.5.2/tools/Aspire.Dashboard";

    [Fact]
    public void An_AppHost_whose_orchestrator_and_dashboard_are_installed_can_run()
    {
        var probe = new OrchestratorProbe(_ => null, path => path == Dcp);

        Assert.Null(probe.FindMissing("AppHost", Metadata(Dcp, Dashboard)));
    }

    [Fact]
    public void An_orchestrator_path_without_the_file_is_missing_and_the_reason_names_the_path_and_the_package()
    {
        var probe = new OrchestratorProbe(_ => null, _ => false);

        var reason = probe.FindMissing("AppHost", Metadata(Dcp, Dashboard));

        Assert.NotNull(reason);
        Assert.Contains($"not installed at '{Dcp}' (from the AppHost's 'dcpclipath' assembly metadata)", reason, StringComparison.Ordinal);
        Assert.Contains("Aspire.Hosting.Orchestration.", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_AppHost_built_without_the_Aspire_SDK_carries_no_orchestrator_path()
    {
        var probe = new OrchestratorProbe(_ => null, _ => true);

        var reason = probe.FindMissing("Shim", new Dictionary<string, string?>());

        Assert.NotNull(reason);
        Assert.Contains("Shim carries no 'dcpclipath' assembly metadata", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ASPIRE_DCP_PATH_names_the_folder_that_holds_the_orchestrator()
    {
        var folder = Path.Combine("/opt", "dcp");
        var expected = Path.Combine(folder, OperatingSystem.IsWindows() ? "dcp.exe" : "dcp");
        var probe = new OrchestratorProbe(name => name == "ASPIRE_DCP_PATH" ? folder : null, path => path == expected);

        Assert.Null(probe.FindMissing("AppHost", Metadata("/nowhere/dcp", Dashboard)));
    }

    [Fact]
    public void DcpPublisher__CliPath_comes_before_ASPIRE_DCP_PATH()
    {
        var environment = new Dictionary<string, string?> { ["DcpPublisher__CliPath"] = "/explicit/dcp", ["ASPIRE_DCP_PATH"] = "/bundle" };
        var probe = new OrchestratorProbe(environment.GetValueOrDefault, _ => false);

        Assert.Contains("not installed at '/explicit/dcp' (from DcpPublisher__CliPath)", probe.FindMissing("AppHost", Metadata(Dcp, Dashboard)), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_dashboard_path_Aspire_refuses_to_start_even_with_the_orchestrator()
    {
        var probe = new OrchestratorProbe(_ => null, _ => true);

        var reason = probe.FindMissing("AppHost", Metadata(Dcp, dashboard: null));

        Assert.NotNull(reason);
        Assert.Contains("no 'aspiredashboardpath' assembly metadata", reason, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> Metadata(string dcp, string? dashboard) => new(StringComparer.OrdinalIgnoreCase)
    {
        [OrchestratorProbe.DcpMetadataKey] = dcp,
        [OrchestratorProbe.DashboardMetadataKey] = dashboard,
    };
}
