using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IggyAspire.Client;

/// <summary>Healthy while the server answers the SDK's ping over the worker's own connection within a bound.</summary>
/// <remarks>
/// Kestrel starts before the connection (WebApplication registers it first), so /health can be asked while the
/// connection is still being made: that is Unhealthy, not an error. On a connection that went down, Apache.Iggy
/// 0.8.0's ping reconnects inside the call, without limit (TcpMessageStream.SendWithResponseAsync →
/// HandleReconnectionAsync), so the check gives it <see cref="Timeout"/> and then answers Unhealthy.
/// </remarks>
internal sealed class IggyHealthCheck(IggyClientConnection connection, TimeProvider timeProvider) : IHealthCheck
{
    /// <summary>How long a ping may take before the server counts as unreachable.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!connection.IsConnected)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Not connected to the Iggy server yet.");
        }

        using var bound = new CancellationTokenSource(Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, bound.Token);
        try
        {
            await connection.Client.PingAsync(linked.Token).WaitAsync(linked.Token).ConfigureAwait(false);
            return HealthCheckResult.Healthy();
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The Iggy server did not answer a ping within {Timeout}.");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The Iggy server did not answer a ping.", exception);
        }
    }
}
