namespace IggyAspire.Messaging;

/// <summary>A message the consumer received, with where it was in the topic.</summary>
/// <typeparam name="TMessage">The application's message type.</typeparam>
/// <param name="Body">The deserialized payload.</param>
/// <param name="Id">The Iggy message id.</param>
/// <param name="PartitionId">The partition it was read from.</param>
/// <param name="Offset">Its offset in that partition.</param>
/// <param name="Timestamp">When the server appended it.</param>
/// <param name="Headers">Its string-valued user headers, the trace context among them.</param>
public sealed record IggyMessage<TMessage>(
    TMessage Body,
    UInt128 Id,
    uint PartitionId,
    ulong Offset,
    DateTimeOffset Timestamp,
    IReadOnlyDictionary<string, string> Headers);
