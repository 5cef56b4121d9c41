using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

/// <summary>The service's Iggy registrations, as IggyAspire.Messaging's getting started writes them.</summary>
public static class OrdersRegistration
{
    public static void AddOrders(this IHostApplicationBuilder builder)
    {
        builder.AddIggyProducer("iggy", OrdersJsonContext.Default.OrderPlaced);
        builder.AddIggyConsumer<OrderPlaced, BillOrder>("iggy", OrdersJsonContext.Default.OrderPlaced);
        builder.Services.AddHostedService<PlaceOrders>();
    }
}
