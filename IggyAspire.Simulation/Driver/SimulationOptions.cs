using IggyAspire.Simulation.Faults;

namespace IggyAspire.Simulation.Driver;

/// <summary>One simulated run: how much to send, which disruptions to schedule, and the workers' settings.</summary>
internal sealed record SimulationOptions
{
    public int Seed { get; init; }

    /// <summary>The run stops producing once this many ids were acknowledged.</summary>
    public int Messages { get; init; } = 300;

    /// <summary>Consumer processes killed at a random moment and started again as fresh instances.</summary>
    public int ConsumerKills { get; init; } = 2;

    /// <summary>Producer processes killed and started again: its ids must stay unique across them.</summary>
    public int ProducerKills { get; init; } = 1;

    public int ServerRestarts { get; init; } = 1;

    /// <summary>Server crashes (the process killed, then started again), beside the graceful restarts.</summary>
    public int ServerCrashes { get; init; }

    /// <summary>The server's <c>messages_required_to_save</c>: 1024 as server 0.8.0's default; 1 saves every send before its answer.</summary>
    public int MessagesRequiredToSave { get; init; } = TestServer.Model.SimulatedIggyServer.MessagesRequiredToSave;

    /// <summary>Connections (of any worker) the server closes; the worker reconnects as a new client.</summary>
    public int ConnectionDrops { get; init; } = 2;

    public FaultRates Faults { get; init; } = FaultRates.Default;

    public uint Partitions { get; init; } = 3;

    public int ProducerBatchSize { get; init; } = 10;

    public TimeSpan ProducerInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    public int ConsumerBatchSize { get; init; } = 10;

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Keep a readable line per call and event in <see cref="SimulationResult.Trace"/> (it does not change the run).</summary>
    public bool Trace { get; init; }

    /// <summary>How long a killed worker or a stopped server stays down before it starts again.</summary>
    public TimeSpan Downtime { get; init; } = TimeSpan.FromSeconds(2);
}
