namespace IggyAspire.Simulation.Driver;

/// <summary>
/// One "Consumed message" a consumer instance logged, in the order the run logged them (<paramref name="Sequence"/>),
/// with the <paramref name="Session"/> it was polled in: the instance's client id at the server (a new one after each
/// dropped connection or server restart; 0 when not known).
/// </summary>
internal sealed record ProcessedMessage(long Sequence, string Instance, long Session, uint PartitionId, ulong Offset, long MessageId);
