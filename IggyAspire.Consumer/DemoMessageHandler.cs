using System.Diagnostics;
using IggyAspire.Messaging;
using IggyAspire.Messaging.Telemetry;
using IggyAspire.Producer;
using Microsoft.Extensions.Logging;

namespace IggyAspire.Consumer;

/// <summary>
/// The demo's work on each message: it logs it, with the trace that runs from the producer's send through this
/// handling. The package's consumer stores the offset once it returns.
/// </summary>
internal sealed partial class DemoMessageHandler(ILogger<DemoMessageHandler> logger) : IIggyMessageHandler<DemoMessage>
{
    public Task HandleAsync(IggyMessage<DemoMessage> message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);

        // The process span is current here; without a listener there is none, and the producer's context names the trace.
        var traceId = Activity.Current?.TraceId ?? TraceContextPropagation.Extract(message.Headers).TraceId;
        LogConsumed(logger, message.Body.Id, message.Body.Text, message.PartitionId, message.Offset, traceId);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consumed message {MessageId} '{Text}' from partition {PartitionId} at offset {Offset} (trace {TraceId})")]
    private static partial void LogConsumed(ILogger logger, long messageId, string text, uint partitionId, ulong offset, ActivityTraceId traceId);
}
