using IggyAspire.Messaging.Consuming;

namespace IggyAspire.Consumer;

/// <summary>Runs the consumer-group member for the lifetime of the host.</summary>
internal sealed class ConsumerWorker(MessageConsumer consumer) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => consumer.RunAsync(stoppingToken);
}
