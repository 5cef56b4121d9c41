using System.Globalization;
using IggyAspire.Messaging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

/// <summary>Sends an order a second through the package's producer.</summary>
internal sealed partial class PlaceOrders(IggyProducer<OrderPlaced> producer, ILogger<PlaceOrders> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var number = 1; !stoppingToken.IsCancellationRequested; number++)
        {
            var order = new OrderPlaced(number.ToString("D5", CultureInfo.InvariantCulture), 9.99m * number);
            var sent = await producer.SendAsync(order, stoppingToken);
            LogPlaced(logger, order.OrderId, sent.TraceId.ToString());
            await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Placed {OrderId} (trace {TraceId})")]
    private static partial void LogPlaced(ILogger logger, string orderId, string traceId);
}
