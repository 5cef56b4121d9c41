namespace IggyAspire.Tests.EndToEnd.WorkerLogs;

/// <summary>
/// A line one worker instance logged. <see cref="Index"/> is its place among all lines the watch received (arrival
/// order; each instance's own lines keep their order). <see cref="Generation"/> counts the processes the instance has
/// run so far: 1 until it is stopped and started again, then 2.
/// </summary>
internal sealed record WorkerLogEvent(int Index, string Instance, int Generation, WorkerLogLine Line);

/// <summary>A message the consumer processed.</summary>
internal sealed record Consumption(int Index, string Instance, int Generation, long MessageId, uint Partition, ulong Offset, string TraceId);

/// <summary>A message the producer sent (a batch gives one per message, sharing the trace).</summary>
internal sealed record Send(int Index, int Generation, long MessageId, string TraceId);

/// <summary>Everything a <see cref="WorkerLogWatch"/> has received up to one moment, with typed views.</summary>
internal sealed class WorkerLogSnapshot
{
    public WorkerLogSnapshot(IReadOnlyList<WorkerLogEvent> events)
    {
        Events = events;
        Consumptions = [.. events
            .Select(e => e.Line is ConsumedLine c ? new Consumption(e.Index, e.Instance, e.Generation, c.MessageId, c.Partition, c.Offset, c.TraceId) : null)
            .OfType<Consumption>()];
        Sends = [.. events.SelectMany(e => e.Line is SentLine s
            ? LongRange(s.FirstId, s.LastId).Select(id => new Send(e.Index, e.Generation, id, s.TraceId))
            : Enumerable.Empty<Send>())];
    }

    public IReadOnlyList<WorkerLogEvent> Events { get; }

    /// <summary>How many lines had arrived: a mark for <see cref="Consumption.Index"/> and <see cref="Send.Index"/>.</summary>
    public int Count => Events.Count;

    public IReadOnlyList<Consumption> Consumptions { get; }

    public IReadOnlyList<Send> Sends { get; }

    /// <summary>The instances that have logged <typeparamref name="TLine"/> since <paramref name="mark"/>.</summary>
    public IReadOnlySet<string> InstancesThatLogged<TLine>(int mark = 0) where TLine : WorkerLogLine =>
        Events.Where(e => e.Index >= mark && e.Line is TLine).Select(e => e.Instance).ToHashSet();

    public IEnumerable<Consumption> ConsumptionsSince(int mark) => Consumptions.Where(c => c.Index >= mark);

    public IEnumerable<Send> SendsSince(int mark) => Sends.Where(s => s.Index >= mark);

    /// <summary>The lines of type <typeparamref name="TLine"/> that arrived since <paramref name="mark"/>.</summary>
    public IEnumerable<TLine> LinesSince<TLine>(int mark) where TLine : WorkerLogLine =>
        Events.Where(e => e.Index >= mark).Select(e => e.Line).OfType<TLine>();

    private static IEnumerable<long> LongRange(long first, long last)
    {
        for (var id = first; id <= last; id++)
        {
            yield return id;
        }
    }
}
