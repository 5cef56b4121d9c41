namespace IggyAspire.Simulation.Driver;

/// <summary>A disruption due <paramref name="At"/> after the run's start; <paramref name="Target"/> picks the worker where one is needed.</summary>
internal sealed record Disruption(TimeSpan At, DisruptionKind Kind, int Target);
