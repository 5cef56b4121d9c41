namespace IggyAspire.Simulation.Driver;

/// <summary>
/// A manual clock like FakeTimeProvider, except that timers due at the same moment fire in the order they were
/// armed. On FakeTimeProvider, whose contract leaves that order open, two runs of one seed drifted apart (seen: the
/// same seed gave two call fingerprints in one process). The workers' timers tie all the
/// time (a 50 ms poll and a 100 ms send interval), so the order has to be defined for a seed to replay.
/// Timers belong to an owner (a worker instance's <see cref="InstanceClock"/>), so that a crash stops them at the
/// moment of the kill rather than whenever the garbage collector finalizes the dead instance's PeriodicTimer.
/// The run is single-threaded by design; the lock keeps the timer list whole should a timer still be disposed on
/// another thread (a finalizer), and a timer is read once under it, so one disposed meanwhile does not fire.
/// </summary>
internal sealed class SimulationClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<ScheduledTimer> _timers = [];
    private readonly DateTimeOffset _start = start;
    private readonly int _driverThread = Environment.CurrentManagedThreadId;
    private DateTimeOffset _now = start;
    private long _armings;

    /// <summary>Timers created, changed or disposed on another thread than the driver's while the run went on: each one a sign that the run is not repeatable.</summary>
    public int TimerUsesOffTheDriverThread { get; private set; }

    public override DateTimeOffset GetUtcNow()
    {
        using var scope = _lock.EnterScope();
        return _now;
    }

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => (GetUtcNow() - _start).Ticks;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        CreateTimer(callback, state, dueTime, period, owner: null);

    /// <summary>A timer that <see cref="StopTimersOf"/> stops with the rest of <paramref name="owner"/>'s.</summary>
    public ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period, object? owner)
    {
        var timer = new ScheduledTimer(this, callback, state, owner);
        lock (_lock)
        {
            CountIfOffTheDriverThread();
            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Disarms and unschedules every timer of <paramref name="owner"/>, none of which fires again; returns them.</summary>
    public IReadOnlyList<ITimer> StopTimersOf(object owner)
    {
        lock (_lock)
        {
            var stopped = _timers.Where(timer => timer.Owner == owner).ToList();
            foreach (var timer in stopped)
            {
                timer.Disarm();
            }

            _timers.RemoveAll(timer => timer.Owner == owner);
            return stopped;
        }
    }

    /// <summary>
    /// Whether one of <paramref name="owner"/>'s timers is a pending Task.Delay (Polly's retry waits, the consumers'
    /// back-off). Cancelling one goes on on the thread pool: Task.DelayPromiseWithCancellation sets
    /// RunContinuationsAsynchronously before it cancels.
    /// </summary>
    public bool HasPendingTaskDelay(object owner)
    {
        using var scope = _lock.EnterScope();
        return _timers.Any(timer => timer.Owner == owner && timer.Due is not null && timer.State is Task { IsCompleted: false });
    }

    /// <summary>Moves time forward, firing every timer due on the way, earliest first, ties in arming order, on this thread.</summary>
    public void Advance(TimeSpan by)
    {
        DateTimeOffset target;
        lock (_lock)
        {
            target = _now + by;
        }

        while (NextDue(target) is { } next)
        {
            next.Timer.Fire();
        }

        lock (_lock)
        {
            _now = target;
        }
    }

    /// <summary>The next timer due by <paramref name="target"/>, re-armed for its next period, with the clock moved to its moment.</summary>
    private (ScheduledTimer Timer, DateTimeOffset Due)? NextDue(DateTimeOffset target)
    {
        using var scope = _lock.EnterScope();
        ScheduledTimer? next = null;
        DateTimeOffset nextDue = default;
        foreach (var timer in _timers)
        {
            if (timer.Due is { } due && due <= target
                && (next is null || due < nextDue || (due == nextDue && timer.Arming < next.Arming)))
            {
                next = timer;
                nextDue = due;
            }
        }

        if (next is null)
        {
            return null;
        }

        if (nextDue > _now)
        {
            _now = nextDue;
        }

        next.Rearm();
        return (next, nextDue);
    }

    /// <summary>Under the lock.</summary>
    private void CountIfOffTheDriverThread()
    {
        if (Environment.CurrentManagedThreadId != _driverThread)
        {
            TimerUsesOffTheDriverThread++;
        }
    }

    private sealed class ScheduledTimer(SimulationClock clock, TimerCallback callback, object? state, object? owner) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public object? Owner { get; } = owner;

        public object? State { get; } = state;

        /// <summary>Read and written under the clock's lock.</summary>
        public DateTimeOffset? Due { get; private set; }

        public long Arming { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._lock)
            {
                clock.CountIfOffTheDriverThread();
                _period = period;
                Arm(dueTime == Timeout.InfiniteTimeSpan ? null : clock._now + dueTime);
            }

            return true;
        }

        /// <summary>Under the clock's lock, as it fires: due again one period on, or never.</summary>
        public void Rearm() => Arm(_period == Timeout.InfiniteTimeSpan || _period == TimeSpan.Zero ? null : Due + _period);

        /// <summary>Under the clock's lock.</summary>
        public void Disarm() => Due = null;

        public void Fire() => callback(State);

        public void Dispose()
        {
            lock (clock._lock)
            {
                clock.CountIfOffTheDriverThread();
                Due = null;
                clock._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        private void Arm(DateTimeOffset? due)
        {
            Due = due;
            Arming = ++clock._armings;
        }
    }
}
