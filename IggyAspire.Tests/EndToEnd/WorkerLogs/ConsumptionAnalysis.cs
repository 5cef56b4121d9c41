namespace IggyAspire.Tests.EndToEnd.WorkerLogs;

/// <summary>
/// The properties the end-to-end tests check on what the workers logged. Each returns the problems it found, one
/// sentence each, so a failing test says exactly which partition, offset or message went wrong; none means it holds.
/// </summary>
internal static class ConsumptionAnalysis
{
    /// <summary>Whether each of the topic's <paramref name="partitions"/> has at least <paramref name="atLeast"/> consumptions.</summary>
    public static bool CoversEveryPartition(IEnumerable<Consumption> consumptions, uint partitions, int atLeast) =>
        consumptions.GroupBy(c => c.Partition).Count(g => g.Count() >= atLeast) >= partitions;

    /// <summary>
    /// In order within a partition: for each replica and partition, in the order the replica logged them, every offset
    /// is the previous one plus one and every message id is higher than the previous one (the producer's ids count up).
    /// </summary>
    public static IReadOnlyList<string> OrderProblems(IEnumerable<Consumption> consumptions)
    {
        var problems = new List<string>();
        foreach (var stream in consumptions.GroupBy(c => (c.Instance, c.Partition)))
        {
            Consumption? previous = null;
            foreach (var current in stream.OrderBy(c => c.Index))
            {
                if (previous is not null && (current.Offset != previous.Offset + 1 || current.MessageId <= previous.MessageId))
                {
                    problems.Add($"{current.Instance} consumed partition {current.Partition} offset {current.Offset} (message {current.MessageId}) right after offset {previous.Offset} (message {previous.MessageId}).");
                }

                previous = current;
            }
        }

        return problems;
    }

    /// <summary>
    /// No double processing in a consumer group: no (partition, offset) and no message id is consumed twice, and each
    /// partition is served by one replica only.
    /// </summary>
    public static IReadOnlyList<string> DoubleProcessingProblems(IEnumerable<Consumption> consumptions)
    {
        var all = consumptions.ToList();
        var problems = new List<string>();
        problems.AddRange(all.GroupBy(c => (c.Partition, c.Offset)).Where(g => g.Count() > 1)
            .Select(g => $"Partition {g.Key.Partition} offset {g.Key.Offset} was consumed {g.Count()} times (by {string.Join(", ", g.Select(c => c.Instance))})."));
        problems.AddRange(all.GroupBy(c => c.MessageId).Where(g => g.Select(c => (c.Partition, c.Offset)).Distinct().Count() > 1)
            .Select(g => $"Message {g.Key} was consumed at {string.Join(" and ", g.Select(c => $"partition {c.Partition} offset {c.Offset}"))}."));
        problems.AddRange(all.GroupBy(c => c.Partition).Where(g => g.Select(c => c.Instance).Distinct().Count() > 1)
            .Select(g => $"Partition {g.Key} was served by more than one replica: {string.Join(", ", g.Select(c => c.Instance).Distinct())}."));
        return problems;
    }

    /// <summary>
    /// A consumer group that was stopped and started again resumes after its stored offsets: on every partition the
    /// first offset consumed <paramref name="after"/> the restart is the last one consumed <paramref name="before"/> plus
    /// one (below is a replay, above is a gap), the offsets after it leave no hole, and no message consumed before is
    /// consumed again.
    /// </summary>
    public static IReadOnlyList<string> ResumeProblems(IEnumerable<Consumption> before, IEnumerable<Consumption> after, uint partitions)
    {
        var earlier = before.ToList();
        var later = after.ToList();
        var problems = new List<string>();
        var consumed = earlier.Select(c => c.Partition).Union(later.Select(c => c.Partition)).Order().ToList();
        if (consumed.Count != partitions)
        {
            problems.Add($"Only partitions {string.Join(", ", consumed)} of {partitions} were consumed.");
        }

        foreach (var partition in consumed)
        {
            var offsetsBefore = earlier.Where(c => c.Partition == partition).Select(c => c.Offset).ToList();
            var offsetsAfter = later.Where(c => c.Partition == partition).Select(c => c.Offset).Order().ToList();
            if (offsetsBefore.Count == 0 || offsetsAfter.Count == 0)
            {
                problems.Add($"Partition {partition} was consumed {(offsetsBefore.Count == 0 ? "only after" : "only before")} the restart, so resumption cannot be judged there.");
                continue;
            }

            var resumeAt = offsetsBefore.Max() + 1;
            if (offsetsAfter[0] != resumeAt)
            {
                problems.Add($"Partition {partition}: the last offset consumed before the restart was {resumeAt - 1}, the first one after it {offsetsAfter[0]} ({(offsetsAfter[0] < resumeAt ? "a replay" : "a gap")}).");
            }

            var holes = OffsetRange(offsetsAfter[0], offsetsAfter[^1]).Except(offsetsAfter).ToList();
            if (holes.Count > 0)
            {
                problems.Add($"Partition {partition}: after the restart, offsets {string.Join(", ", holes)} were skipped.");
            }
        }

        var replayed = earlier.Select(c => c.MessageId).Intersect(later.Select(c => c.MessageId)).Order().ToList();
        if (replayed.Count > 0)
        {
            problems.Add($"Messages {string.Join(", ", replayed)} were consumed both before and after the restart.");
        }

        return problems;
    }

    /// <summary>
    /// One trace from send to process: for each message both sent and consumed, the consumer logged the trace id the
    /// producer logged; trace ids are real (not all zeros) and every send has its own.
    /// </summary>
    public static IReadOnlyList<string> TraceProblems(IEnumerable<Send> sends, IEnumerable<Consumption> consumptions)
    {
        var sent = sends.ToList();
        var sentTraces = sent.GroupBy(s => s.MessageId).ToDictionary(g => g.Key, g => g.First().TraceId);
        var problems = new List<string>();
        foreach (var consumption in consumptions)
        {
            if (!sentTraces.TryGetValue(consumption.MessageId, out var sentTrace))
            {
                problems.Add($"Message {consumption.MessageId} was consumed but the producer never logged sending it.");
            }
            else if (consumption.TraceId != sentTrace)
            {
                problems.Add($"Message {consumption.MessageId} was sent in trace {sentTrace} but processed in trace {consumption.TraceId}.");
            }
        }

        problems.AddRange(sentTraces.Where(s => s.Value.All(c => c == '0')).Select(s => $"Message {s.Key} was sent without a trace (trace id {s.Value})."));
        problems.AddRange(sent.GroupBy(s => s.TraceId).Where(g => g.Select(s => s.Index).Distinct().Count() > 1)
            .Select(g => $"Separate sends share trace {g.Key} (messages {string.Join(", ", g.Select(s => s.MessageId))})."));
        return problems;
    }

    private static IEnumerable<ulong> OffsetRange(ulong first, ulong last)
    {
        for (var offset = first; offset <= last; offset++)
        {
            yield return offset;
        }
    }
}
