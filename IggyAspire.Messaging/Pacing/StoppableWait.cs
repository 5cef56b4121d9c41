namespace IggyAspire.Messaging.Pacing;

/// <summary>The waits between sends and polls, where shutdown is an answer ("stop"), not an exception.</summary>
internal static class StoppableWait
{
    /// <summary>Waits for the timer's next tick; false when shutdown began instead.</summary>
    public static async Task<bool> NextTickAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Waits <paramref name="delay"/> on <paramref name="timeProvider"/>'s clock; false when shutdown began instead.</summary>
    public static async Task<bool> DelayAsync(TimeSpan delay, TimeProvider timeProvider, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, timeProvider, stoppingToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
