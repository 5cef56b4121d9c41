namespace IggyAspire.Simulation.Faults;

/// <summary>How often each call fails, as a probability per call.</summary>
internal sealed record FaultRates(
    double SendFailsBeforeAppend,
    double SendFailsAfterAppend,
    double PollFails,
    double StoreFailsBeforeStoring,
    double StoreFailsAfterStoring,
    double OtherCallFails)
{
    /// <summary>A few percent of every kind: enough for hundreds of faults per 10,000-message run.</summary>
    public static FaultRates Default { get; } = new(0.02, 0.02, 0.02, 0.03, 0.02, 0.01);

    public static FaultRates None { get; } = new(0, 0, 0, 0, 0, 0);
}
