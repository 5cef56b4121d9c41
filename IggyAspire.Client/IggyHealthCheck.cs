using Apache.Iggy.IggyClient;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IggyAspire.Client;

/// <summary>Healthy while the server answers the SDK's ping over the worker's own connection.</summary>
internal sealed class IggyHealthCheck(IIggyClient client) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await client.PingAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The Iggy server did not answer a ping.", exception);
        }
    }
}
