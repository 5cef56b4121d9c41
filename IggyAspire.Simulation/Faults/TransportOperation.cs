namespace IggyAspire.Simulation.Faults;

/// <summary>The calls of <see cref="Messaging.Transport.IIggyTransport"/>, as the fault schedule tells them apart.</summary>
internal enum TransportOperation
{
    CreateStream,
    CreateTopic,
    CreateConsumerGroup,
    JoinConsumerGroup,
    Send,
    PollNext,
    StoreOffset,
    ReadLastMessages,
    GetGroupMembers,
    GetPartitions,
    GetStoredOffset,
}
