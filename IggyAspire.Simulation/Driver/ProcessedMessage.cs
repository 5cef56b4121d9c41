namespace IggyAspire.Simulation.Driver;

/// <summary>One "Consumed message" a consumer instance logged, in the order the run logged them (<paramref name="Sequence"/>).</summary>
internal sealed record ProcessedMessage(long Sequence, string Instance, uint PartitionId, ulong Offset, long MessageId);
