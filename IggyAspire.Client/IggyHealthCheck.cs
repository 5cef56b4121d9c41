using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IggyAspire.Client;

/// <summary>Healthy while the server answers the SDK's ping over the worker's own connection.</summary>
/// <remarks>
/// Kestrel starts before the connection (WebApplication registers it first), so /health can be asked while the
/// connection is still being made: that is Unhealthy, not an error.
/// </remarks>
internal sealed class IggyHealthCheck(IggyClientConnection connection) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!connection.IsConnected)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Not connected to the Iggy server yet.");
        }

        try
        {
            await connection.Client.PingAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The Iggy server did not answer a ping.", exception);
        }
    }
}
