using IggyAspire.Messaging.Producing;

namespace IggyAspire.Producer;

/// <summary>Runs the message producer for the lifetime of the host.</summary>
internal sealed class ProducerWorker(MessageProducer producer) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => producer.RunAsync(stoppingToken);
}
