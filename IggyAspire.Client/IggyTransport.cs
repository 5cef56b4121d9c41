using System.Collections.Concurrent;
using Apache.Iggy;
using Apache.Iggy.Contracts;
using Apache.Iggy.Exceptions;
using Apache.Iggy.IggyClient;
using Apache.Iggy.Kinds;
using Apache.Iggy.Messages;
using IggyAspire.Messaging.Connection;
using IggyAspire.Messaging.Transport;

namespace IggyAspire.Client;

/// <summary>
/// The one place where the messaging core meets Apache.Iggy: every call maps core types to SDK types and back,
/// and nothing else. Names are used as identifiers, so configuration never has to know numeric ids.
/// </summary>
/// <remarks>
/// It holds the connection, not the client, and reads the client on each call: it is constructed with the workers,
/// before the host starts and connects (see <see cref="IggyClientConnection"/>).
/// </remarks>
internal sealed class IggyTransport(IggyClientConnection connection) : IIggyTransport
{
    // A plain (non-group) consumer that only ever polls without committing, to peek at each partition's tail.
    private static readonly Consumer TailReader = Consumer.New("iggyaspire-tail-reader");

    // What every SDK call gets as its token: a call once sent runs to its answer, and the caller's token only ends
    // the caller's wait (IggyClientConnection.CallAsync). Cancelling a call in flight would leave its answer in the
    // socket for the next call to read: 0.8.0's TCP protocol has no request ids.
    private static readonly CancellationToken InFlight = CancellationToken.None;

    // A name's identifier encodes it into a new array each time; the SDK only reads it, so each name's is kept.
    private static readonly ConcurrentDictionary<string, Identifier> Identifiers = new(StringComparer.Ordinal);

    public IggyServerAddress Server => connection.Server;

    private static Identifier Id(string name) => Identifiers.GetOrAdd(name, static name => Identifier.String(name));

    public Task<bool> CreateStreamAsync(string stream, CancellationToken ct) =>
        CreateUnlessExistsAsync(client => client.CreateStreamAsync(stream, InFlight), ct);

    public Task<bool> CreateTopicAsync(string stream, string topic, uint partitions, CancellationToken ct) =>
        CreateUnlessExistsAsync(client => client.CreateTopicAsync(Id(stream), topic, partitions, token: InFlight), ct);

    public Task<bool> CreateConsumerGroupAsync(string stream, string topic, string group, CancellationToken ct) =>
        CreateUnlessExistsAsync(client => client.CreateConsumerGroupAsync(Id(stream), Id(topic), group, InFlight), ct);

    public Task JoinConsumerGroupAsync(string stream, string topic, string group, CancellationToken ct) =>
        connection.CallAsync(client => client.JoinConsumerGroupAsync(Id(stream), Id(topic), Id(group), InFlight), ct);

    public Task SendAsync(string stream, string topic, IReadOnlyList<OutgoingMessage> messages, CancellationToken ct) =>
        connection.CallAsync(client => client.SendMessagesAsync(Id(stream), Id(topic), Partitioning.None(), ToMessages(messages), InFlight), ct);

    /// <summary>
    /// The SDK's messages for one send. Every message of a send carries the same span context, so they share one
    /// header map: the SDK only reads it while writing the batch.
    /// </summary>
    internal static List<Message> ToMessages(IReadOnlyList<OutgoingMessage> messages)
    {
        var headers = IggyMessageHeaders.FromCurrentActivity();
        var batch = new List<Message>(messages.Count);
        foreach (var message in messages)
        {
            batch.Add(new Message(message.Id, message.Payload, message.Headers is null ? headers : IggyMessageHeaders.Merge(message.Headers, headers)));
        }

        return batch;
    }

    public async Task<PolledBatch> PollNextAsync(string stream, string topic, string group, uint count, CancellationToken ct)
    {
        var polled = await connection.CallAsync(client => client.PollMessagesAsync(Id(stream), Id(topic), partitionId: null,
            Consumer.Group(group), PollingStrategy.Next(), count, autoCommit: false, InFlight), ct).ConfigureAwait(false);
        return ToBatch(polled);
    }

    public async Task StoreOffsetAsync(string stream, string topic, string group, uint partitionId, ulong offset, CancellationToken ct)
    {
        try
        {
            await connection.CallAsync(client => client.StoreOffsetAsync(Consumer.Group(group), Id(stream), Id(topic), offset, partitionId, InFlight), ct)
                .ConfigureAwait(false);
        }
        catch (IggyInvalidStatusCodeException exception)
        {
            // The core decides by the code whether a store is worth retrying (IggyErrorCodes.IsLostOwnership).
            throw new IggyStatusException(exception.StatusCode, exception.Message, exception);
        }
    }

    public async Task<IReadOnlyList<GroupMember>> GetGroupMembersAsync(string stream, string topic, string group, CancellationToken ct)
    {
        var details = await connection.CallAsync(client => client.GetConsumerGroupByIdAsync(Id(stream), Id(topic), Id(group), InFlight), ct)
            .ConfigureAwait(false);
        return details?.Members?.Select(member => new GroupMember(member.Id, member.Partitions.Select(partition => (uint)partition).ToList())).ToList() ?? [];
    }

    public async Task<IReadOnlyList<PartitionState>> GetPartitionsAsync(string stream, string topic, CancellationToken ct)
    {
        var details = await connection.CallAsync(client => client.GetTopicByIdAsync(Id(stream), Id(topic), InFlight), ct).ConfigureAwait(false);
        return details?.Partitions?.Select(partition => new PartitionState((uint)partition.Id, partition.CurrentOffset, partition.MessagesCount)).ToList() ?? [];
    }

    /// <summary>0.8.0 answers an empty OK, which the SDK reads as null, when nothing is stored (get_consumer_offset_handler.rs:68-71).</summary>
    public async Task<ulong?> GetStoredOffsetAsync(string stream, string topic, string group, uint partitionId, CancellationToken ct)
    {
        var offsets = await connection.CallAsync(client => client.GetOffsetAsync(Consumer.Group(group), Id(stream), Id(topic), partitionId, InFlight), ct)
            .ConfigureAwait(false);
        return offsets?.StoredOffset;
    }

    /// <summary>
    /// Asks the server how many partitions the topic has instead of trusting the configured count: a topic created
    /// earlier with more partitions holds ids in those too, and missing them would let the producer's ids restart
    /// lower. Partition ids are 0-based in Iggy 0.8.0.
    /// </summary>
    public async Task<IReadOnlyList<ReceivedMessage>> ReadLastMessagesAsync(string stream, string topic, CancellationToken ct)
    {
        var details = await connection.CallAsync(client => client.GetTopicByIdAsync(Id(stream), Id(topic), InFlight), ct).ConfigureAwait(false);
        var partitions = details?.PartitionsCount ?? 0;
        var last = new List<ReceivedMessage>();
        for (uint partitionId = 0; partitionId < partitions; partitionId++)
        {
            var id = partitionId;
            var polled = await connection.CallAsync(client => client.PollMessagesAsync(Id(stream), Id(topic), id,
                TailReader, PollingStrategy.Last(), count: 1, autoCommit: false, InFlight), ct).ConfigureAwait(false);
            last.AddRange(ToBatch(polled).Messages);
        }

        return last;
    }

    private static PolledBatch ToBatch(PolledMessages polled)
    {
        var partitionId = (uint)polled.PartitionId;
        var messages = new List<ReceivedMessage>(polled.Messages.Count);
        foreach (var message in polled.Messages)
        {
            messages.Add(new ReceivedMessage(partitionId, message.Header.Offset, message.Header.Id, message.Header.Timestamp,
                message.Payload, IggyMessageHeaders.ToStrings(message.UserHeaders)));
        }

        return new PolledBatch(partitionId, polled.CurrentOffset, messages);
    }

    private async Task<bool> CreateUnlessExistsAsync<T>(Func<IIggyClient, Task<T>> create, CancellationToken ct)
    {
        try
        {
            await connection.CallAsync(create, ct).ConfigureAwait(false);
            return true;
        }
        catch (IggyInvalidStatusCodeException exception) when (IggyErrorCodes.IsAlreadyExists(exception.StatusCode))
        {
            return false;
        }
    }
}
