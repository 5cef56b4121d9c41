using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IggyAspire.Client;

/// <summary>Healthy while the server answers the SDK's ping over the worker's own connection within a bound.</summary>
/// <remarks>
/// Kestrel starts before the connection (WebApplication registers it first), so /health can be asked while the
/// connection is still being made: that is Unhealthy, not an error. The bound ends the wait, never the ping: a
/// cancelled ping would leave its answer in the socket for the next call to read (see
/// <see cref="IggyClientConnection"/>). On a connection that went down, Apache.Iggy 0.8.0's ping reconnects inside
/// the call, without limit (TcpMessageStream.SendWithResponseAsync → HandleReconnectionAsync).
/// </remarks>
internal sealed class IggyHealthCheck(IggyClientConnection connection) : IHealthCheck
{
    /// <summary>How long a ping may take before the server counts as unreachable.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!connection.IsConnected)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Not connected to the Iggy server yet.");
        }

        var outcome = await connection.PingAsync(Timeout, cancellationToken).ConfigureAwait(false);
        return outcome.IsAnswered
            ? HealthCheckResult.Healthy()
            : new HealthCheckResult(context.Registration.FailureStatus, outcome.Description, outcome.Exception);
    }
}
