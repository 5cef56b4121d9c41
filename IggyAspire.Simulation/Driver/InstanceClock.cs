namespace IggyAspire.Simulation.Driver;

/// <summary>
/// The run's clock as one worker instance sees it: the same time, and timers that belong to the instance, so that a
/// crash (<see cref="StopTimers"/>) stops all of them at once, as a dead process's timers stop.
/// </summary>
internal sealed class InstanceClock(SimulationClock clock) : TimeProvider
{

    public override DateTimeOffset GetUtcNow() => clock.GetUtcNow();

    public override TimeZoneInfo LocalTimeZone => clock.LocalTimeZone;

    public override long TimestampFrequency => clock.TimestampFrequency;

    public override long GetTimestamp() => clock.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        clock.CreateTimer(callback, state, dueTime, period, owner: this);

    /// <summary>
    /// The timers a crash stopped, held rather than dropped: a dead instance's PeriodicTimer that became unreachable
    /// would be finalized, and its finalizer completes the pending tick, running the instance's code again, on the
    /// finalizer thread.
    /// </summary>
    public IReadOnlyList<ITimer> StoppedTimers { get; private set; } = [];

    public void StopTimers() => StoppedTimers = clock.StopTimersOf(this);

    /// <summary>Whether the instance waits in a Task.Delay, whose cancellation would go on on the thread pool.</summary>
    public bool InTaskDelay => clock.HasPendingTaskDelay(this);
}
