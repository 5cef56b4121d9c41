namespace IggyAspire.Simulation.Faults;

/// <summary>
/// Decides, from the run's one seeded <see cref="Random"/>, which calls fail and how long each takes. Called in the
/// order the actors make their calls, which the single-threaded driver keeps the same for a seed.
/// </summary>
internal sealed class FaultSchedule(Random random, FaultRates rates)
{
    /// <summary>The longest a request or a response spends on the wire.</summary>
    public static readonly TimeSpan MaxLatency = TimeSpan.FromMilliseconds(8);

    public bool Enabled { get; set; } = true;

    public FaultKind Next(TransportOperation operation)
    {
        if (!Enabled)
        {
            return FaultKind.None;
        }

        var (before, after) = operation switch
        {
            TransportOperation.Send => (rates.SendFailsBeforeAppend, rates.SendFailsAfterAppend),
            TransportOperation.PollNext => (rates.PollFails, 0),
            TransportOperation.StoreOffset => (rates.StoreFailsBeforeStoring, rates.StoreFailsAfterStoring),
            _ => (rates.OtherCallFails, 0),
        };
        var draw = random.NextDouble();
        return draw < before ? FaultKind.FailBeforeApplying
            : draw < before + after ? FaultKind.FailAfterApplying
            : FaultKind.None;
    }

    /// <summary>One leg of a call: 1 ms to <see cref="MaxLatency"/>, whole milliseconds so the driver's steps meet them.</summary>
    public TimeSpan Latency() => TimeSpan.FromMilliseconds(random.Next(1, (int)MaxLatency.TotalMilliseconds + 1));
}
