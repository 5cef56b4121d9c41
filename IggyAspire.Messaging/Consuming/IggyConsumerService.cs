using Microsoft.Extensions.Hosting;

namespace IggyAspire.Messaging.Consuming;

/// <summary>Runs the consumer-group member for the lifetime of the host.</summary>
internal sealed class IggyConsumerService<TMessage>(IggyConsumer<TMessage> consumer) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => consumer.RunAsync(stoppingToken);
}
