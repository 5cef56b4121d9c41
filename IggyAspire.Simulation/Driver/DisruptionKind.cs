namespace IggyAspire.Simulation.Driver;

/// <summary>The scheduled disruptions of a run (per-call faults come from the fault schedule instead).</summary>
internal enum DisruptionKind
{
    KillConsumer,
    KillProducer,
    RestartServer,
    DropConnection,
}
