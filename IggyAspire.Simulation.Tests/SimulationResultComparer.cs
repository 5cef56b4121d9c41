using IggyAspire.Simulation.Driver;

namespace IggyAspire.Simulation.Tests;

/// <summary>Two results are the same run when every figure and the call fingerprint agree (lists compared by content).</summary>
internal sealed class SimulationResultComparer : IEqualityComparer<SimulationResult>
{
    public static SimulationResultComparer Instance { get; } = new();

    public bool Equals(SimulationResult? x, SimulationResult? y) =>
        x is not null && y is not null
        && x with { DuplicatesPerConsumerKill = [], Violations = [] } == y with { DuplicatesPerConsumerKill = [], Violations = [] }
        && x.DuplicatesPerConsumerKill.SequenceEqual(y.DuplicatesPerConsumerKill)
        && x.Violations.SequenceEqual(y.Violations);

    public int GetHashCode(SimulationResult obj) => obj.Fingerprint.GetHashCode();
}
