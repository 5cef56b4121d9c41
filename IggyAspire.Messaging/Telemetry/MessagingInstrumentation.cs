using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using IggyAspire.Messaging.Connection;
using static IggyAspire.Messaging.Telemetry.MessagingAttributes;

namespace IggyAspire.Messaging.Telemetry;

/// <summary>
/// The spans and metrics of the producer and the consumer, named by the OpenTelemetry messaging conventions:
/// <c>send {topic}</c> (PRODUCER), <c>receive {topic}</c> (CLIENT, linked to each message's creation context) and
/// <c>process {topic}</c> (CONSUMER, a child of the producer's context so one trace shows both ends).
/// </summary>
public sealed class MessagingInstrumentation : IDisposable
{
    /// <summary>
    /// The messaging conventions' bucket advice for both duration histograms, in seconds; without it OpenTelemetry's
    /// default buckets (made for milliseconds) put nearly every operation into the first one.
    /// </summary>
    public static readonly IReadOnlyList<double> DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    private static readonly InstrumentAdvice<double> DurationAdvice = new() { HistogramBucketBoundaries = DurationBuckets };

    // Every span and measurement of a consumer names its partition as a string: server 0.8.0's 1000 possible ids
    // (0-based) written once, not once per message.
    private static readonly string[] PartitionTexts = [.. Enumerable.Range(0, 1000).Select(id => id.ToString(CultureInfo.InvariantCulture))];

    private readonly ActivitySource? _source;
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly bool _metricsEnabled;
    private readonly Counter<long> _sent;
    private readonly Counter<long> _consumed;
    private readonly Counter<long> _failed;
    private readonly Histogram<double> _operationDuration;
    private readonly Histogram<double> _processDuration;
    private readonly ConcurrentDictionary<(string Stream, string Topic, string Group, uint Partition), long> _lag = new();

    /// <summary>Creates the source and meter; disabled signals cost nothing per message.</summary>
    /// <param name="options">Which signals to emit.</param>
    /// <param name="meterFactory">
    /// The host's meter factory (registered by every .NET host), so the meter belongs to its service provider and
    /// listeners can tell one provider's measurements from another's; without one, a meter of its own.
    /// </param>
    public MessagingInstrumentation(MessagingInstrumentationOptions options, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);

        _source = options.EnableTracing ? new ActivitySource(MessagingTelemetry.ActivitySourceName) : null;
        _metricsEnabled = options.EnableMetrics;
        // A factory's meter is the factory's to dispose, with its provider.
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MessagingTelemetry.MeterName) ?? new Meter(MessagingTelemetry.MeterName);
        _sent = _meter.CreateCounter<long>("messaging.client.sent.messages", "{message}", "Messages the producer sent.");
        _consumed = _meter.CreateCounter<long>("messaging.client.consumed.messages", "{message}", "Messages the consumer received.");
        _failed = _meter.CreateCounter<long>("messaging.iggy.consumer.failed_messages", "{message}", "Messages whose payload did not deserialize or whose handler threw, by error type and by what the failure policy did with them (skip, dead_letter).");
        _operationDuration = _meter.CreateHistogram("messaging.client.operation.duration", "s", "Duration of send and receive operations.", tags: null, DurationAdvice);
        _processDuration = _meter.CreateHistogram("messaging.process.duration", "s", "Duration of processing one message.", tags: null, DurationAdvice);
        _meter.CreateObservableGauge("messaging.iggy.consumer.lag", ObserveLag, "{message}", "Messages after the consumer group's stored offset, per partition, reported by the member that owns the partition.");
    }

    /// <summary>Starts the PRODUCER span of one send call, or returns null when nobody listens.</summary>
    /// <param name="stream">The topic's stream.</param>
    /// <param name="topic">The topic.</param>
    /// <param name="server">The server sent to.</param>
    /// <param name="messageCount">How many messages the send carries.</param>
    /// <param name="firstMessageId">The first message's id, which the span names when it is the only one.</param>
    public Activity? StartSend(string stream, string topic, IggyServerAddress server, int messageCount, UInt128 firstMessageId)
    {
        ArgumentNullException.ThrowIfNull(server);

        var activity = _source?.StartActivity($"{SendOperation} {topic}", ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            SetCommon(activity, SendOperation, stream, topic, server);
            if (messageCount == 1)
            {
                activity.SetTag(MessageId, firstMessageId.ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                activity.SetTag(BatchMessageCount, messageCount);
            }
        }

        return activity;
    }

    /// <summary>Starts the CLIENT span of one poll; links to the polled messages are added with <see cref="LinkReceived"/>.</summary>
    public Activity? StartReceive(string stream, string topic, string consumerGroup, IggyServerAddress server)
    {
        ArgumentNullException.ThrowIfNull(server);

        var activity = _source?.StartActivity($"{ReceiveOperation} {topic}", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            SetCommon(activity, ReceiveOperation, stream, topic, server);
            activity.SetTag(ConsumerGroupName, consumerGroup);
        }

        return activity;
    }

    /// <summary>
    /// Records what one poll returned on its receive span: the partition, the count, and one link per distinct creation
    /// context (every message of one send carries the same one).
    /// </summary>
    public static void LinkReceived(Activity? receive, uint partitionId, IEnumerable<ActivityContext> messageContexts)
    {
        ArgumentNullException.ThrowIfNull(messageContexts);
        if (receive is not { IsAllDataRequested: true })
        {
            return;
        }

        var count = 0;
        var linked = new HashSet<ActivityContext>();
        foreach (var context in messageContexts)
        {
            count++;
            if (context != default && linked.Add(context))
            {
                receive.AddLink(new ActivityLink(context));
            }
        }

        // An empty poll has no partition: Apache.Iggy reports 0 for it (PolledMessages.Empty).
        if (count > 0)
        {
            receive.SetTag(PartitionId, PartitionText(partitionId));
        }

        receive.SetTag(BatchMessageCount, count);
    }

    /// <summary>
    /// Starts the CONSUMER span of processing one message as a child of <paramref name="producerContext"/> (the
    /// context the producer wrote into the message's headers), or as a root when the message carried none.
    /// </summary>
    public Activity? StartProcess(string stream, string topic, string consumerGroup, IggyServerAddress server, ActivityContext producerContext, uint partitionId, ulong offset, UInt128 messageId)
    {
        ArgumentNullException.ThrowIfNull(server);

        // A default context means "no parent given": the span then hangs under Activity.Current, which is none in the
        // consumer's loop, so a message without trace context starts a trace of its own.
        var activity = _source?.StartActivity($"{ProcessOperation} {topic}", ActivityKind.Consumer, producerContext);
        if (activity is { IsAllDataRequested: true })
        {
            SetCommon(activity, ProcessOperation, stream, topic, server);
            activity.SetTag(ConsumerGroupName, consumerGroup);
            activity.SetTag(PartitionId, PartitionText(partitionId));
            activity.SetTag(Offset, offset);
            activity.SetTag(MessageId, messageId.ToString(CultureInfo.InvariantCulture));
        }

        return activity;
    }

    /// <summary>Marks <paramref name="activity"/> failed with <paramref name="errorType"/> (an exception type name or a short reason).</summary>
    public static void SetError(Activity? activity, string errorType, string? description = null)
    {
        activity?.SetTag(ErrorType, errorType);
        activity?.SetStatus(ActivityStatusCode.Error, description);
    }

    /// <summary>Counts messages a send delivered (or failed to, with <paramref name="errorType"/>) and the send's duration.</summary>
    public void RecordSend(string stream, string topic, IggyServerAddress server, int messageCount, TimeSpan duration, string? errorType)
    {
        if (!_metricsEnabled)
        {
            return;
        }

        var tags = Tags(SendOperation, stream, topic, server, consumerGroup: null, partitionId: null, errorType);
        _operationDuration.Record(duration.TotalSeconds, tags);
        _sent.Add(messageCount, tags);
    }

    /// <summary>Records one poll's duration and how many messages it returned.</summary>
    public void RecordReceive(string stream, string topic, string consumerGroup, IggyServerAddress server, uint? partitionId, int messageCount, TimeSpan duration, string? errorType)
    {
        if (!_metricsEnabled)
        {
            return;
        }

        var tags = Tags(ReceiveOperation, stream, topic, server, consumerGroup, partitionId, errorType);
        _operationDuration.Record(duration.TotalSeconds, tags);
        if (messageCount > 0)
        {
            _consumed.Add(messageCount, tags);
        }
    }

    /// <summary>
    /// Records how long processing one message took and, for a message that failed (<paramref name="errorType"/>) and
    /// was then skipped or parked (<paramref name="failureAction"/>, see <see cref="MessagingAttributes.FailureAction"/>), counts it.
    /// </summary>
    public void RecordProcess(string stream, string topic, string consumerGroup, IggyServerAddress server, uint partitionId, TimeSpan duration, string? errorType, string? failureAction)
    {
        if (!_metricsEnabled)
        {
            return;
        }

        var tags = Tags(ProcessOperation, stream, topic, server, consumerGroup, partitionId, errorType);
        _processDuration.Record(duration.TotalSeconds, tags);
        if (errorType is not null && failureAction is not null)
        {
            tags.Add(FailureAction, failureAction);
            _failed.Add(1, tags);
        }
    }

    /// <summary>Reports <paramref name="pending"/> messages after the group's stored offset in the partition.</summary>
    public void RecordLag(string stream, string topic, string consumerGroup, uint partitionId, long pending) =>
        _lag[(stream, topic, consumerGroup, partitionId)] = pending;

    /// <summary>Stops reporting the partition's lag: this process no longer knows it (the partition moved, the member left).</summary>
    public void ForgetLag(string stream, string topic, string consumerGroup, uint partitionId) =>
        _lag.TryRemove((stream, topic, consumerGroup, partitionId), out _);

    /// <inheritdoc />
    public void Dispose()
    {
        _source?.Dispose();
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private IEnumerable<Measurement<long>> ObserveLag()
    {
        if (!_metricsEnabled)
        {
            yield break;
        }

        foreach (var ((stream, topic, group, partition), lag) in _lag)
        {
            yield return new Measurement<long>(lag,
                new(MessagingSystem, MessagingTelemetry.MessagingSystem),
                new(StreamName, stream),
                new(DestinationName, topic),
                new(ConsumerGroupName, group),
                new(PartitionId, PartitionText(partition)));
        }
    }

    private static void SetCommon(Activity activity, string operation, string stream, string topic, IggyServerAddress server)
    {
        activity.SetTag(MessagingSystem, MessagingTelemetry.MessagingSystem);
        activity.SetTag(OperationName, operation);
        // Our operation names are also the conventions' operation types: send, receive, process.
        activity.SetTag(OperationType, operation);
        activity.SetTag(StreamName, stream);
        activity.SetTag(DestinationName, topic);
        activity.SetTag(ServerAddress, server.Host);
        activity.SetTag(ServerPort, server.Port);
    }

    private static TagList Tags(string operation, string stream, string topic, IggyServerAddress server, string? consumerGroup, uint? partitionId, string? errorType)
    {
        var tags = new TagList
        {
            { MessagingSystem, MessagingTelemetry.MessagingSystem },
            { OperationName, operation },
            { OperationType, operation },
            { StreamName, stream },
            { DestinationName, topic },
            { ServerAddress, server.Host },
            { ServerPort, server.Port },
        };
        if (consumerGroup is not null)
        {
            tags.Add(ConsumerGroupName, consumerGroup);
        }

        if (partitionId is { } partition)
        {
            tags.Add(PartitionId, PartitionText(partition));
        }

        if (errorType is not null)
        {
            tags.Add(ErrorType, errorType);
        }

        return tags;
    }

    private static string PartitionText(uint partitionId) =>
        partitionId < PartitionTexts.Length ? PartitionTexts[partitionId] : partitionId.ToString(CultureInfo.InvariantCulture);
}
