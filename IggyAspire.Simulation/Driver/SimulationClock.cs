namespace IggyAspire.Simulation.Driver;

/// <summary>
/// A manual clock like FakeTimeProvider, except that timers due at the same moment fire in the order they were
/// armed. On FakeTimeProvider, whose contract leaves that order open, two runs of one seed drifted apart (seen: the
/// same seed gave two call fingerprints in one process). The workers' timers tie all the
/// time (a 50 ms poll and a 100 ms send interval), so the order has to be defined for a seed to replay.
/// Everything runs on the driver's thread except one thing: a PeriodicTimer left behind by a killed worker is
/// disposed by its finalizer, on the finalizer thread; the lock is for that. Such a timer only ever signalled a dead
/// instance, so when it goes changes nothing the run can observe.
/// </summary>
internal sealed class SimulationClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<ScheduledTimer> _timers = [];
    private readonly DateTimeOffset _start = start;
    private DateTimeOffset _now = start;
    private long _armings;

    public override DateTimeOffset GetUtcNow() => _now;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => (_now - _start).Ticks;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ScheduledTimer(this, callback, state);
        lock (_lock)
        {
            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves time forward, firing every timer due on the way, earliest first, ties in arming order, on this thread.</summary>
    public void Advance(TimeSpan by)
    {
        var target = _now + by;
        while (NextDue(target) is { } timer)
        {
            if (timer.Due > _now)
            {
                _now = timer.Due!.Value;
            }

            timer.Fire();
        }

        _now = target;
    }

    private ScheduledTimer? NextDue(DateTimeOffset target)
    {
        using var scope = _lock.EnterScope();
        ScheduledTimer? next = null;
        foreach (var timer in _timers)
        {
            if (timer.Due is { } due && due <= target
                && (next is null || due < next.Due || (due == next.Due && timer.Arming < next.Arming)))
            {
                next = timer;
            }
        }

        return next;
    }

    private sealed class ScheduledTimer(SimulationClock clock, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public DateTimeOffset? Due { get; private set; }

        public long Arming { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            _period = period;
            Arm(dueTime == Timeout.InfiniteTimeSpan ? null : clock._now + dueTime);
            return true;
        }

        public void Fire()
        {
            Arm(_period == Timeout.InfiniteTimeSpan || _period == TimeSpan.Zero ? null : Due + _period);
            callback(state);
        }

        public void Dispose()
        {
            lock (clock._lock)
            {
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
            lock (clock._lock)
            {
                Due = due;
                Arming = ++clock._armings;
            }
        }
    }
}
