using IggyAspire.Simulation.Model;

namespace IggyAspire.Simulation.Driver;

/// <summary>The reliability claims a run is checked against (issue 13), each with the figures it reports.</summary>
internal static class Invariants
{
    /// <summary>Every id whose send was acknowledged is processed at least once.</summary>
    public static IEnumerable<long> Lost(IEnumerable<long> acknowledged, IEnumerable<ProcessedMessage> processed)
    {
        var seen = processed.Select(message => message.MessageId).ToHashSet();
        return acknowledged.Where(id => !seen.Contains(id)).Order();
    }

    /// <summary>
    /// Per consumer session (an instance's connection as one client id, ended by a kill, a dropped connection or a
    /// server restart): the log entries it was the last to process that another session processed again afterwards.
    /// At-least-once with a commit after each batch bounds it by one poll batch, the one whose store the session's end
    /// cut off: a batch redelivered because a drop or a restart ended an earlier session of the instance belongs to
    /// that session, not to the instance's kill.
    /// </summary>
    public static IReadOnlyDictionary<(string Instance, long Session), int> DuplicatesPerSession(IReadOnlyList<ProcessedMessage> processed)
    {
        var lastProcessing = new Dictionary<(uint, ulong, long), ProcessedMessage>();
        var reprocessedAfter = new Dictionary<(string, long), HashSet<(uint, ulong, long)>>();
        foreach (var message in processed)
        {
            var entry = Entry(message);
            if (lastProcessing.TryGetValue(entry, out var previous) && (previous.Instance, previous.Session) != (message.Instance, message.Session))
            {
                if (!reprocessedAfter.TryGetValue((previous.Instance, previous.Session), out var entries))
                {
                    reprocessedAfter[(previous.Instance, previous.Session)] = entries = [];
                }

                entries.Add(entry);
            }

            lastProcessing[entry] = message;
        }

        return reprocessedAfter.ToDictionary(pair => pair.Key, pair => pair.Value.Count);
    }

    /// <summary>Per kill, the duplicates of the session it ended (0 when the instance was not connected at the time).</summary>
    public static IReadOnlyList<int> DuplicatesPerKill(
        IEnumerable<(string Instance, long? Session)> kills, IReadOnlyDictionary<(string Instance, long Session), int> perSession) =>
        kills.Select(kill => kill.Session is { } session ? perSession.GetValueOrDefault((kill.Instance, session)) : 0).ToList();

    /// <summary>Processings of a log entry beyond its first.</summary>
    public static int RedeliveryDuplicates(IEnumerable<ProcessedMessage> processed) =>
        processed.GroupBy(Entry).Sum(entry => entry.Count() - 1);

    /// <summary>
    /// A log entry: its partition and offset, and its id, since after a server crash a later message takes the offset of
    /// one the crash lost.
    /// </summary>
    private static (uint PartitionId, ulong Offset, long MessageId) Entry(ProcessedMessage message) => (message.PartitionId, message.Offset, message.MessageId);

    /// <summary>Log entries of one id beyond the first that were processed: an unknown-outcome send appended twice.</summary>
    public static int UnknownOutcomeDuplicates(IEnumerable<ProcessedMessage> processed) =>
        processed.GroupBy(message => message.MessageId).Sum(id => id.Select(message => (message.PartitionId, message.Offset)).Distinct().Count() - 1);

    /// <summary>
    /// Each consumer instance meets a partition's messages in log order: leaving out entries it already processed
    /// (a batch delivered again), the offsets it processes in a partition only grow.
    /// </summary>
    public static IEnumerable<string> OrderViolations(IEnumerable<ProcessedMessage> processed)
    {
        foreach (var stream in processed.GroupBy(message => (message.Instance, message.PartitionId)))
        {
            var seen = new HashSet<ulong>();
            ulong? highest = null;
            foreach (var message in stream)
            {
                if (!seen.Add(message.Offset))
                {
                    continue;
                }

                if (highest is { } before && message.Offset < before)
                {
                    yield return $"{stream.Key.Instance} processed partition {stream.Key.PartitionId} offset {message.Offset} after offset {before}";
                }

                highest = Math.Max(highest ?? 0, message.Offset);
            }
        }
    }

    /// <summary>
    /// The producer skips no id: every id up to the highest acknowledged one was acknowledged or is in the log. A send
    /// that failed is sent again with the same ids; only a producer killed mid-send may leave ids that were appended but
    /// never acknowledged, and its successor continues after the highest id in the log.
    /// </summary>
    public static IEnumerable<string> UnacknowledgedGaps(IReadOnlyCollection<long> acknowledged, SimulatedTopic topic)
    {
        if (acknowledged.Count == 0)
        {
            yield break;
        }

        var inLog = topic.Partitions.SelectMany(partition => partition.Log).Select(message => (long)message.Id).ToHashSet();
        for (var id = 1L; id <= acknowledged.Max(); id++)
        {
            if (!acknowledged.Contains(id) && !inLog.Contains(id))
            {
                yield return $"id {id} was skipped: below the highest acknowledged id, neither acknowledged nor in the log";
            }
        }
    }

    /// <summary>A restarted producer continues after the highest id in the topic: no id is in the log from two producer instances.</summary>
    public static IEnumerable<string> ReusedIds(SimulatedTopic topic) =>
        topic.Partitions
            .SelectMany(partition => partition.Log)
            .GroupBy(message => message.Id)
            .Where(id => id.Select(message => message.Sender).Distinct().Count() > 1)
            .Select(id => $"id {id.Key} was sent by {string.Join(" and ", id.Select(message => message.Sender).Distinct())}");
}
