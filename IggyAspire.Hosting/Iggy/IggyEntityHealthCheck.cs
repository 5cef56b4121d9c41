using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting.Iggy;

/// <summary>Healthy once the provisioner has created or found the entity on the server; Unhealthy with why until then.</summary>
internal sealed class IggyEntityHealthCheck(IggyEntityStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(status.IsReady
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy(status.Failure));
}
