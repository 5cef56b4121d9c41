using Aspire.Hosting;

namespace IggyAspire.Hosting.Tests;

/// <summary>
/// A bare application builder for unit-level model tests: no dashboard, and nothing that needs the orchestrator
/// unless the app is started (which these tests never do).
/// </summary>
internal static class AppModelBuilder
{
    public static IDistributedApplicationBuilder Create(params string[] args) =>
        DistributedApplication.CreateBuilder(new DistributedApplicationOptions { Args = args, DisableDashboard = true });
}
