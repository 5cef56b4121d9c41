using IggyAspire.Simulation.Model;

namespace IggyAspire.Simulation.Driver;

/// <summary>
/// One running instance of a worker: its clock, its connection, its run, the token that stops it and, for a consumer,
/// its own lag gauge and services (its handler).
/// </summary>
internal sealed class WorkerProcess(
    string instance, InstanceClock clock, SimulatedConnection connection, CancellationTokenSource stopping, Task run, InstanceLagGauge? lag = null, IDisposable? services = null) : IDisposable
{
    public string Instance { get; } = instance;

    public InstanceLagGauge? Lag { get; } = lag;

    public SimulatedConnection Connection { get; } = connection;

    public Task Run { get; } = run;

    /// <summary>
    /// A crash: the connection dies with everything the instance awaited on it, and its timers stop. Nothing is
    /// cancelled, since a dead process runs no more of its code: a cancelled Task.Delay (a retry's wait, a back-off)
    /// would go on running the instance's shutdown on the thread pool, beside the driver.
    /// </summary>
    public void Kill()
    {
        Connection.Kill();
        clock.StopTimers();
    }

    public bool StopRequested { get; private set; }

    /// <summary>
    /// Asks for a graceful stop: the instance finishes what its shutdown grace allows. It is delivered (the token
    /// cancelled) at once, or at the first <see cref="DeliverStop"/> that finds the instance outside a Task.Delay,
    /// whose cancellation would run the rest of the instance on the thread pool, beside the driver.
    /// </summary>
    public void Stop()
    {
        StopRequested = true;
        DeliverStop();
    }

    /// <summary>Delivers a requested stop if the instance is not inside a Task.Delay; true once delivered.</summary>
    public bool DeliverStop()
    {
        if (StopRequested && !stopping.IsCancellationRequested && !clock.InTaskDelay)
        {
            stopping.Cancel();
        }

        return stopping.IsCancellationRequested;
    }

    public void Dispose()
    {
        stopping.Dispose();
        Lag?.Dispose();
        services?.Dispose();
    }
}
