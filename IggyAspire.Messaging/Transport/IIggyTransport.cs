using IggyAspire.Messaging.Connection;

namespace IggyAspire.Messaging.Transport;

/// <summary>
/// What the messaging core needs from an Iggy client. The client integration implements it over Apache.Iggy in one
/// thin adapter; the core's logic is tested against fakes of it.
/// </summary>
public interface IIggyTransport
{
    /// <summary>The server this transport talks to, for the <c>server.*</c> span and metric attributes.</summary>
    IggyServerAddress Server { get; }

    /// <summary>Creates the stream; false when it already exists.</summary>
    Task<bool> CreateStreamAsync(string stream, CancellationToken cancellationToken);

    /// <summary>Creates the topic with <paramref name="partitions"/> partitions; false when it already exists.</summary>
    Task<bool> CreateTopicAsync(string stream, string topic, uint partitions, CancellationToken cancellationToken);

    /// <summary>Creates the consumer group; false when it already exists.</summary>
    Task<bool> CreateConsumerGroupAsync(string stream, string topic, string group, CancellationToken cancellationToken);

    /// <summary>Joins this connection to the consumer group; the server then assigns it partitions.</summary>
    Task JoinConsumerGroupAsync(string stream, string topic, string group, CancellationToken cancellationToken);

    /// <summary>Sends the batch, balanced over the partitions, with the current span's trace context in each message's headers.</summary>
    Task SendAsync(string stream, string topic, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken);

    /// <summary>Polls the group's next messages (strategy Next) from one of its partitions, without committing.</summary>
    Task<PolledBatch> PollNextAsync(string stream, string topic, string group, uint count, CancellationToken cancellationToken);

    /// <summary>Stores the group's offset for the partition: the next Next poll starts after it.</summary>
    /// <exception cref="IggyStatusException">The server refused the store, with its status code.</exception>
    Task StoreOffsetAsync(string stream, string topic, string group, uint partitionId, ulong offset, CancellationToken cancellationToken);

    /// <summary>The group's members, each with its partitions; empty when the group is unknown.</summary>
    Task<IReadOnlyList<GroupMember>> GetGroupMembersAsync(string stream, string topic, string group, CancellationToken cancellationToken);

    /// <summary>Each partition's newest offset and message count; empty when the topic is unknown.</summary>
    Task<IReadOnlyList<PartitionState>> GetPartitionsAsync(string stream, string topic, CancellationToken cancellationToken);

    /// <summary>The offset the group stored for a partition its member owns, or null when none is stored.</summary>
    Task<ulong?> GetStoredOffsetAsync(string stream, string topic, string group, uint partitionId, CancellationToken cancellationToken);

    /// <summary>
    /// The newest message of each partition the topic has on the server, which may be more than the configured
    /// count when it was created with more; empty for an empty topic.
    /// </summary>
    Task<IReadOnlyList<ReceivedMessage>> ReadLastMessagesAsync(string stream, string topic, CancellationToken cancellationToken);
}
