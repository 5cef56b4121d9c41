using System.Globalization;
using System.Text.RegularExpressions;

namespace IggyAspire.Tests.EndToEnd.WorkerLogs;

/// <summary>
/// A console line of the workers that the end-to-end tests read. The patterns follow the [LoggerMessage] templates of
/// IggyAspire.Messaging (MessageProducer, MessageConsumer) word for word; they are not anchored, because the console
/// logger puts the category line (with colour codes) before the message and may indent it.
/// </summary>
internal abstract partial record WorkerLogLine
{
    /// <summary>The line, or null for a line the tests do not read.</summary>
    public static WorkerLogLine? Parse(string content)
    {
        if (ConsumedPattern().Match(content) is { Success: true } consumed)
        {
            return new ConsumedLine(Long(consumed, "id"), UInt(consumed, "partition"), ULong(consumed, "offset"), consumed.Groups["trace"].Value);
        }

        if (SentPattern().Match(content) is { Success: true } sent)
        {
            return new SentLine(Long(sent, "id"), Long(sent, "id"), sent.Groups["trace"].Value);
        }

        if (SentBatchPattern().Match(content) is { Success: true } batch)
        {
            return new SentLine(Long(batch, "first"), Long(batch, "last"), batch.Groups["trace"].Value);
        }

        if (JoinedPattern().Match(content) is { Success: true } joined)
        {
            return new JoinedLine(joined.Groups["group"].Value);
        }

        if (ConsumerStartedPattern().Match(content) is { Success: true } consumer)
        {
            return new ConsumerStartedLine(consumer.Groups["group"].Value);
        }

        if (ProducerStartedPattern().Match(content) is { Success: true } producer)
        {
            return new ProducerStartedLine(Long(producer, "next"));
        }

        return null;
    }

    private static long Long(Match match, string group) => long.Parse(match.Groups[group].ValueSpan, CultureInfo.InvariantCulture);

    private static uint UInt(Match match, string group) => uint.Parse(match.Groups[group].ValueSpan, CultureInfo.InvariantCulture);

    private static ulong ULong(Match match, string group) => ulong.Parse(match.Groups[group].ValueSpan, CultureInfo.InvariantCulture);

    // "Consumed message {MessageId} '{Text}' from partition {PartitionId} at offset {Offset} (trace {TraceId})"
    [GeneratedRegex(@"Consumed message (?<id>\d+) '.*' from partition (?<partition>\d+) at offset (?<offset>\d+) \(trace (?<trace>[0-9a-f]{32})\)")]
    private static partial Regex ConsumedPattern();

    // "Sent message {MessageId} to {Stream}/{Topic} (trace {TraceId})"
    [GeneratedRegex(@"Sent message (?<id>\d+) to \S+ \(trace (?<trace>[0-9a-f]{32})\)")]
    private static partial Regex SentPattern();

    // "Sent {Count} messages {FirstId}..{LastId} to {Stream}/{Topic} (trace {TraceId})"
    [GeneratedRegex(@"Sent \d+ messages (?<first>\d+)\.\.(?<last>\d+) to \S+ \(trace (?<trace>[0-9a-f]{32})\)")]
    private static partial Regex SentBatchPattern();

    // "Joined consumer group {ConsumerGroup}"
    [GeneratedRegex(@"Joined consumer group (?<group>\S+)")]
    private static partial Regex JoinedPattern();

    // "Consuming {Stream}/{Topic} in group {ConsumerGroup}, polling every {PollInterval}"
    [GeneratedRegex(@"Consuming \S+ in group (?<group>\S+), polling every ")]
    private static partial Regex ConsumerStartedPattern();

    // "Producing to {Stream}/{Topic} from id {NextId}: {BatchSize} message(s) every {Interval}"
    [GeneratedRegex(@"Producing to \S+ from id (?<next>\d+): ")]
    private static partial Regex ProducerStartedPattern();
}

/// <summary>The consumer processed one message.</summary>
internal sealed record ConsumedLine(long MessageId, uint Partition, ulong Offset, string TraceId) : WorkerLogLine;

/// <summary>The producer sent messages <see cref="FirstId"/> to <see cref="LastId"/> in one send (one trace).</summary>
internal sealed record SentLine(long FirstId, long LastId, string TraceId) : WorkerLogLine;

/// <summary>A consumer joined the consumer group (at start, and again after a failed poll).</summary>
internal sealed record JoinedLine(string ConsumerGroup) : WorkerLogLine;

/// <summary>A consumer process started consuming: the first line of a new consumer process.</summary>
internal sealed record ConsumerStartedLine(string ConsumerGroup) : WorkerLogLine;

/// <summary>A producer process started; <see cref="NextId"/> is the id it continues from.</summary>
internal sealed record ProducerStartedLine(long NextId) : WorkerLogLine;
