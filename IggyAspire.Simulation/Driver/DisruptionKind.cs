namespace IggyAspire.Simulation.Driver;

/// <summary>The scheduled disruptions of a run (per-call faults come from the fault schedule instead).</summary>
internal enum DisruptionKind
{
    KillConsumer,
    KillProducer,
    RestartServer,

    /// <summary>The server process killed and started again: what it had not saved is lost.</summary>
    CrashServer,
    DropConnection,
}
