using IggyAspire.Simulation.Driver;
using IggyAspire.Simulation.Model;

namespace IggyAspire.Simulation.Tests;

/// <summary>
/// The clock keeps a run on the driver's thread: a killed instance's timers stop at the kill, and a cancelled wait
/// goes on where it was cancelled (issue 17: a worker's code on the thread pool disposed timers while the driver
/// fired them, and a seed failed about one run in three under load).
/// </summary>
public sealed class SimulationClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // True on this thread only while CancelMarked runs: a continuation that sees it ran inside the Cancel call.
    [ThreadStatic]
    private static bool _cancelling;

    [Fact]
    public async Task A_killed_instance_s_timers_never_fire_again_and_the_others_go_on()
    {
        var clock = new SimulationClock(Start);
        var killed = new InstanceClock(clock);
        var alive = new InstanceClock(clock);
        using var killedTimer = new PeriodicTimer(TimeSpan.FromMilliseconds(50), killed);
        using var aliveTimer = new PeriodicTimer(TimeSpan.FromMilliseconds(50), alive);
        var killedTick = killedTimer.WaitForNextTickAsync(TestContext.Current.CancellationToken).AsTask();
        var aliveTick = aliveTimer.WaitForNextTickAsync(TestContext.Current.CancellationToken).AsTask();

        killed.StopTimers();
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.True(await aliveTick);
        Assert.False(killedTick.IsCompleted);
        Assert.Single(killed.StoppedTimers);
        Assert.False(killed.InTaskDelay);
    }

    [Fact]
    public void A_cancelled_clock_delay_goes_on_inside_the_cancel_call_where_Task_Delay_does_not()
    {
        var clock = new SimulationClock(Start);
        using var cancelClockDelay = new CancellationTokenSource();
        using var cancelTaskDelay = new CancellationTokenSource();
        bool? clockDelayWentOnInsideCancel = null;
        bool? taskDelayWentOnInsideCancel = null;

        _ = ClockDelay.WaitAsync(clock, TimeSpan.FromSeconds(1), cancelClockDelay.Token)
            .ContinueWith(_ => clockDelayWentOnInsideCancel = _cancelling, TaskContinuationOptions.ExecuteSynchronously);
        _ = Task.Delay(TimeSpan.FromSeconds(1), clock, cancelTaskDelay.Token)
            .ContinueWith(_ => taskDelayWentOnInsideCancel = _cancelling, TaskContinuationOptions.ExecuteSynchronously);
        CancelMarked(cancelClockDelay);
        CancelMarked(cancelTaskDelay);

        Assert.True(clockDelayWentOnInsideCancel);
        Assert.NotEqual(true, taskDelayWentOnInsideCancel);
    }

    [Fact]
    public void A_clock_delay_ends_when_the_clock_reaches_it_and_leaves_no_timer_behind()
    {
        var clock = new SimulationClock(Start);
        var instance = new InstanceClock(clock);
        var delay = ClockDelay.WaitAsync(instance, TimeSpan.FromMilliseconds(5), TestContext.Current.CancellationToken);

        clock.Advance(TimeSpan.FromMilliseconds(4));
        Assert.False(delay.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(delay.IsCompletedSuccessfully);
        instance.StopTimers();
        Assert.Empty(instance.StoppedTimers);
    }

    [Fact]
    public async Task A_pending_Task_Delay_is_seen_so_a_stop_can_wait_until_it_ends()
    {
        var clock = new SimulationClock(Start);
        var instance = new InstanceClock(clock);
        var delay = Task.Delay(TimeSpan.FromMilliseconds(200), instance, TestContext.Current.CancellationToken);

        Assert.True(instance.InTaskDelay);
        clock.Advance(TimeSpan.FromMilliseconds(200));
        await delay;

        Assert.False(instance.InTaskDelay);
    }

    [Fact]
    public void A_timer_disposed_before_its_moment_does_not_fire()
    {
        var clock = new SimulationClock(Start);
        var fired = new List<string>();
        using var first = clock.CreateTimer(_ => fired.Add("first"), null, TimeSpan.FromMilliseconds(10), Timeout.InfiniteTimeSpan);
        var second = clock.CreateTimer(_ => fired.Add("second"), null, TimeSpan.FromMilliseconds(10), Timeout.InfiniteTimeSpan);
        using var third = clock.CreateTimer(_ => fired.Add("third"), null, TimeSpan.FromMilliseconds(10), Timeout.InfiniteTimeSpan);

        second.Dispose();
        clock.Advance(TimeSpan.FromMilliseconds(10));

        Assert.Equal(["first", "third"], fired);
        Assert.Equal(0, clock.TimerUsesOffTheDriverThread);
    }

    [Fact]
    public void A_timer_disposed_on_another_thread_is_counted()
    {
        var clock = new SimulationClock(Start);
        var timer = clock.CreateTimer(_ => { }, null, TimeSpan.FromMilliseconds(10), Timeout.InfiniteTimeSpan);
        var other = new Thread(timer.Dispose);

        other.Start();
        other.Join();

        Assert.Equal(1, clock.TimerUsesOffTheDriverThread);
    }

    private static void CancelMarked(CancellationTokenSource source)
    {
        _cancelling = true;
        try
        {
            source.Cancel();
        }
        finally
        {
            _cancelling = false;
        }
    }
}
