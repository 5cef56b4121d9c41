using IggyAspire.Simulation.Model;

namespace IggyAspire.Simulation.Driver;

/// <summary>One running instance of a worker: its connection, its run and the token that stops it.</summary>
internal sealed class WorkerProcess(string instance, SimulatedConnection connection, CancellationTokenSource stopping, Task run) : IDisposable
{
    public string Instance { get; } = instance;

    public SimulatedConnection Connection { get; } = connection;

    public Task Run { get; } = run;

    /// <summary>A crash: the connection dies with everything the instance awaited on it, and its timers stop.</summary>
    public void Kill()
    {
        Connection.Kill();
        stopping.Cancel();
    }

    /// <summary>A graceful stop: the instance finishes what its shutdown grace allows.</summary>
    public void Stop() => stopping.Cancel();

    public void Dispose() => stopping.Dispose();
}
