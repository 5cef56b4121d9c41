using System.Diagnostics;
using IggyAspire.Messaging;
using Microsoft.Extensions.Logging;

/// <summary>The service's handler: the package stores the offset once it returns.</summary>
internal sealed partial class BillOrder(ILogger<BillOrder> logger) : IIggyMessageHandler<OrderPlaced>
{
    public Task HandleAsync(IggyMessage<OrderPlaced> message, CancellationToken cancellationToken)
    {
        LogBilled(logger, message.Body.OrderId, message.Body.Total, message.PartitionId, message.Offset, Activity.Current?.TraceId.ToString() ?? "none");
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Billed {OrderId} ({Total}) from partition {PartitionId} at offset {Offset} (trace {TraceId})")]
    private static partial void LogBilled(ILogger logger, string orderId, decimal total, uint partitionId, ulong offset, string traceId);
}
