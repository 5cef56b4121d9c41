using System.Reflection;
using System.Runtime.InteropServices;

namespace IggyAspire.Tests.EndToEnd.Prerequisites;

/// <summary>
/// Tells, before anything starts, whether <c>DistributedApplication.StartAsync</c> would find Aspire's orchestrator
/// (DCP). It looks where Aspire 13.5.2 looks, in the same order: configuration <c>DcpPublisher__CliPath</c>, then
/// <c>ASPIRE_DCP_PATH</c> (a folder holding <c>dcp</c>), then the AppHost assembly's <c>dcpclipath</c> metadata, which
/// Aspire.AppHost.Sdk writes from the Aspire.Hosting.Orchestration.{rid} package. The dashboard path is looked up the
/// same way (<c>aspiredashboardpath</c>): StartAsync refuses to run without one even when tests turn the dashboard off.
/// Without this check, StartAsync fails late and the failed app then takes about 20 s to dispose.
/// </summary>
internal sealed class OrchestratorProbe(Func<string, string?> environment, Func<string, bool> fileExists)
{
    public const string DcpMetadataKey = "dcpclipath";
    public const string DashboardMetadataKey = "aspiredashboardpath";

    /// <summary>Why the orchestrator cannot run the AppHost built as <paramref name="appHost"/>, or null when it can.</summary>
    public string? FindMissing(Assembly appHost)
    {
        var metadata = appHost.GetCustomAttributes<AssemblyMetadataAttribute>()
            .GroupBy(attribute => attribute.Key, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(group => group.Key, group => group.First().Value, StringComparer.OrdinalIgnoreCase);
        return FindMissing(appHost.GetName().Name ?? "the AppHost", metadata);
    }

    /// <summary>Why the orchestrator cannot run an AppHost with this assembly <paramref name="metadata"/>, or null.</summary>
    public string? FindMissing(string appHostName, IReadOnlyDictionary<string, string?> metadata)
    {
        var packages = $"Aspire.AppHost.Sdk adds them from nuget.org as Aspire.Hosting.Orchestration.{RuntimeInformation.RuntimeIdentifier} and Aspire.Dashboard.Sdk.{RuntimeInformation.RuntimeIdentifier}; build IggyAspire.AppHost with nuget.org as a package source";

        var (dcpPath, dcpSource) = FindDcp(metadata);
        if (string.IsNullOrWhiteSpace(dcpPath))
        {
            return $"Aspire's orchestrator (DCP) is not configured: {appHostName} carries no '{DcpMetadataKey}' assembly metadata and neither DcpPublisher__CliPath nor ASPIRE_DCP_PATH is set. {packages}.";
        }

        if (!fileExists(dcpPath))
        {
            return $"Aspire's orchestrator (DCP) is not installed at '{dcpPath}' (from {dcpSource}). {packages}, or point ASPIRE_DCP_PATH at a folder holding the dcp executable.";
        }

        if (string.IsNullOrWhiteSpace(environment("DcpPublisher__DashboardPath"))
            && string.IsNullOrWhiteSpace(environment("ASPIRE_DASHBOARD_PATH"))
            && string.IsNullOrWhiteSpace(metadata.GetValueOrDefault(DashboardMetadataKey)))
        {
            return $"Aspire's dashboard path is not configured: {appHostName} carries no '{DashboardMetadataKey}' assembly metadata and neither DcpPublisher__DashboardPath nor ASPIRE_DASHBOARD_PATH is set; Aspire refuses to start without it. {packages}.";
        }

        return null;
    }

    private (string? Path, string Source) FindDcp(IReadOnlyDictionary<string, string?> metadata)
    {
        if (environment("DcpPublisher__CliPath") is { Length: > 0 } cliPath)
        {
            return (cliPath, "DcpPublisher__CliPath");
        }

        if (environment("ASPIRE_DCP_PATH") is { Length: > 0 } folder)
        {
            return (Path.Combine(folder, OperatingSystem.IsWindows() ? "dcp.exe" : "dcp"), "ASPIRE_DCP_PATH");
        }

        return (metadata.GetValueOrDefault(DcpMetadataKey), $"the AppHost's '{DcpMetadataKey}' assembly metadata");
    }
}
