namespace IggyAspire.Messaging.Telemetry;

/// <summary>OpenTelemetry messaging semantic-convention attribute names and values used on spans and metrics.</summary>
public static class MessagingAttributes
{
    public const string MessagingSystem = "messaging.system";
    public const string OperationName = "messaging.operation.name";
    public const string OperationType = "messaging.operation.type";
    public const string DestinationName = "messaging.destination.name";

    /// <summary>The stream of the topic: Iggy's topic names are unique only within a stream (a system-specific attribute).</summary>
    public const string StreamName = "messaging.iggy.stream.name";
    public const string PartitionId = "messaging.destination.partition.id";
    public const string MessageId = "messaging.message.id";
    public const string Offset = "messaging.iggy.message.offset";
    public const string ConsumerGroupName = "messaging.consumer.group.name";
    public const string BatchMessageCount = "messaging.batch.message_count";
    public const string ServerAddress = "server.address";
    public const string ServerPort = "server.port";
    public const string ErrorType = "error.type";

    /// <summary>Operation names (<see cref="OperationName"/>), which are also the first word of span names.</summary>
    public const string SendOperation = "send";
    public const string ReceiveOperation = "receive";
    public const string ProcessOperation = "process";
}
