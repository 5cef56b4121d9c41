using Microsoft.Extensions.Logging;

namespace IggyAspire.Simulation.Driver;

/// <summary>
/// What the consumers processed, read from their own log: processing a message is the demo handler's logging
/// <c>Consumed message {MessageId} ... from partition {PartitionId} at offset {Offset}</c> (DemoMessageHandler), and a
/// payload that is not a DemoMessage is logged by the package's consumer as <c>The payload at partition ... is not a ...</c>.
/// </summary>
internal sealed class ProcessingRecorder
{
    public List<ProcessedMessage> Processed { get; } = [];

    /// <summary>Given every other record (joined, a failed poll or store) as instance and text: the run's trace.</summary>
    public Action<string, string>? OtherRecords { get; set; }

    public int SkippedInvalidPayloads { get; private set; }

    /// <summary>
    /// The logger for one consumer instance; its records carry <paramref name="instance"/> and the client id
    /// <paramref name="session"/> gives when the record is written (the session that polled the message).
    /// </summary>
    public ILogger<TCategory> LoggerFor<TCategory>(string instance, Func<long?>? session = null) => new InstanceLogger<TCategory>(this, instance, session ?? (() => null));

    private void Observe(string instance, long? session, IReadOnlyList<KeyValuePair<string, object?>> state, string text)
    {
        var format = state.FirstOrDefault(pair => pair.Key == "{OriginalFormat}").Value as string ?? "";
        if (format.StartsWith("Consumed message", StringComparison.Ordinal))
        {
            Processed.Add(new ProcessedMessage(
                Processed.Count,
                instance,
                session ?? 0,
                (uint)Value(state, "PartitionId"),
                (ulong)Value(state, "Offset"),
                (long)Value(state, "MessageId")));
        }
        else if (format.StartsWith("The payload at partition", StringComparison.Ordinal))
        {
            SkippedInvalidPayloads++;
        }
        else
        {
            OtherRecords?.Invoke(instance, text);
        }
    }

    private static object Value(IReadOnlyList<KeyValuePair<string, object?>> state, string key) =>
        state.First(pair => pair.Key == key).Value ?? throw new InvalidOperationException($"The consumer's log has no {key}.");

    private sealed class InstanceLogger<TCategory>(ProcessingRecorder recorder, string instance, Func<long?> session) : ILogger<TCategory>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
            {
                recorder.Observe(instance, session(), values, recorder.OtherRecords is null ? "" : formatter(state, exception));
            }
        }
    }
}
