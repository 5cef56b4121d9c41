namespace IggyAspire.Simulation.Model;

/// <summary>
/// A wait on the simulation's clock that a cancellation ends on the cancelling thread. Task.Delay does not: it sets
/// RunContinuationsAsynchronously before it completes a cancelled delay (Task.DelayPromiseWithCancellation), so the
/// caller would go on on the thread pool, beside the driver, and a seed would no longer replay.
/// </summary>
internal static class ClockDelay
{
    public static Task WaitAsync(TimeProvider clock, TimeSpan delay, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        // Both are set before the clock can fire: timers fire only when the driver advances it, on this thread.
        var done = new TaskCompletionSource();
        CancellationTokenRegistration cancellation = default;
        ITimer? timer = null;
        timer = clock.CreateTimer(
            _ =>
            {
                cancellation.Dispose();
                timer?.Dispose();
                done.TrySetResult();
            },
            null,
            delay,
            Timeout.InfiniteTimeSpan);
        cancellation = cancellationToken.Register(() =>
        {
            timer.Dispose();
            done.TrySetCanceled(cancellationToken);
        });
        return done.Task;
    }
}
