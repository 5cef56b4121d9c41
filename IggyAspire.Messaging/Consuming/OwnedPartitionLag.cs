using IggyAspire.Messaging.Telemetry;
using IggyAspire.Messaging.Transport;
using Microsoft.Extensions.Logging;

namespace IggyAspire.Messaging.Consuming;

/// <summary>
/// What one group member reports to the lag gauge: each partition it owns now, with the messages after the group's
/// stored offset, read again every <see cref="ConsumerTimings.LagRefreshInterval"/>. The member finds itself in the group by a partition
/// it was just served: server 0.8.0 lists members by member id, not client id (get_consumer_group_handler.rs:41-48,
/// consumer_group_member.rs:40-46), and a member's partitions are its own (a partition moves only once its revocation
/// completes, metadata/consumer_group.rs). An empty poll cannot tell it, since Apache.Iggy 0.8.0 reads an answer
/// with no messages as partition 0 at offset 0 (Mappers/BinaryMapper.cs:346-349), so a member reports nothing until
/// its first message after each join.
/// </summary>
internal sealed partial class OwnedPartitionLag(
    IIggyTransport transport,
    MessagingInstrumentation instrumentation,
    string stream,
    string topic,
    string consumerGroup,
    TimeProvider timeProvider,
    ILogger logger)
{
    private readonly HashSet<uint> _reported = [];
    private uint? _servedPartition;
    private uint? _memberId;
    private long? _refreshedAt;

    /// <summary>A poll returned messages of <paramref name="partitionId"/>: it is this member's.</summary>
    public void Served(uint partitionId) => _servedPartition = partitionId;

    /// <summary>
    /// Reads the member's partitions and their offsets when the member has found itself and none was read for
    /// <see cref="ConsumerTimings.LagRefreshInterval"/>, or it has not found itself yet and was just served a partition.
    /// A failure leaves the member reporting nothing until the next read succeeds.
    /// </summary>
    public async Task RefreshIfDueAsync(CancellationToken stoppingToken)
    {
        var due = _memberId is null
            ? _servedPartition is not null
            : _refreshedAt is not { } at || timeProvider.GetElapsedTime(at) >= ConsumerTimings.LagRefreshInterval;
        if (!due || stoppingToken.IsCancellationRequested)
        {
            return;
        }

        try
        {
            var members = await transport.GetGroupMembersAsync(stream, topic, consumerGroup, stoppingToken).ConfigureAwait(false);
            var member = _memberId is { } id
                ? members.FirstOrDefault(candidate => candidate.MemberId == id)
                : members.FirstOrDefault(candidate => candidate.Partitions.Contains(_servedPartition!.Value));
            _refreshedAt = timeProvider.GetTimestamp();
            if (member is null)
            {
                // Left the group (deleted, or not found by the served partition, which moved on): find it again.
                Forget();
                return;
            }

            _memberId = member.MemberId;
            var partitions = (await transport.GetPartitionsAsync(stream, topic, stoppingToken).ConfigureAwait(false))
                .ToDictionary(partition => partition.PartitionId);
            foreach (var partitionId in member.Partitions)
            {
                if (partitions.TryGetValue(partitionId, out var state))
                {
                    var stored = await transport.GetStoredOffsetAsync(stream, topic, consumerGroup, partitionId, stoppingToken).ConfigureAwait(false);
                    instrumentation.RecordLag(stream, topic, consumerGroup, partitionId, Pending(state, stored));
                    _reported.Add(partitionId);
                }
            }

            foreach (var moved in _reported.Where(partitionId => !member.Partitions.Contains(partitionId)).ToList())
            {
                Drop(moved);
            }
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            Forget();
            LogRefreshFailed(logger, exception, topic);
        }
        catch (OperationCanceledException)
        {
            // Shutdown: RunAsync forgets everything next.
        }
    }

    /// <summary>The member's partitions are no longer known (a failed poll, a rejoin, shutdown): it reports none.</summary>
    public void Forget()
    {
        _memberId = null;
        _servedPartition = null;
        _refreshedAt = null;
        foreach (var partitionId in _reported.ToList())
        {
            Drop(partitionId);
        }
    }

    /// <summary>The messages after the stored offset; with none stored, all of them (offsets count from 0).</summary>
    private static long Pending(PartitionState partition, ulong? stored)
    {
        if (partition.MessagesCount == 0)
        {
            return 0;
        }

        return stored is { } offset
            ? (long)(partition.CurrentOffset - Math.Min(offset, partition.CurrentOffset))
            : (long)partition.CurrentOffset + 1;
    }

    private void Drop(uint partitionId)
    {
        _reported.Remove(partitionId);
        instrumentation.ForgetLag(stream, topic, consumerGroup, partitionId);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reading the partitions and offsets of {Topic} for the lag gauge failed; the gauge reports none until the next read")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception, string topic);
}
