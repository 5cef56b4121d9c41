namespace IggyAspire.Messaging.Telemetry;

/// <summary>OpenTelemetry messaging semantic-convention attribute names and values used on spans and metrics.</summary>
public static class MessagingAttributes
{
    /// <summary><c>messaging.system</c>: always <c>iggy</c>.</summary>
    public const string MessagingSystem = "messaging.system";
    /// <summary><c>messaging.operation.name</c>: send, receive or process.</summary>
    public const string OperationName = "messaging.operation.name";
    /// <summary><c>messaging.operation.type</c>: the same words, which are also the conventions' types.</summary>
    public const string OperationType = "messaging.operation.type";
    /// <summary><c>messaging.destination.name</c>: the topic.</summary>
    public const string DestinationName = "messaging.destination.name";

    /// <summary>The stream of the topic: Iggy's topic names are unique only within a stream (a system-specific attribute).</summary>
    public const string StreamName = "messaging.iggy.stream.name";
    /// <summary><c>messaging.destination.partition.id</c>: the partition, as a string.</summary>
    public const string PartitionId = "messaging.destination.partition.id";
    /// <summary><c>messaging.message.id</c>: the Iggy message id, as a decimal string.</summary>
    public const string MessageId = "messaging.message.id";
    /// <summary>The message's offset in its partition (a system-specific attribute).</summary>
    public const string Offset = "messaging.iggy.message.offset";
    /// <summary><c>messaging.consumer.group.name</c>: the consumer group.</summary>
    public const string ConsumerGroupName = "messaging.consumer.group.name";
    /// <summary><c>messaging.batch.message_count</c>: how many messages a send or poll carried.</summary>
    public const string BatchMessageCount = "messaging.batch.message_count";
    /// <summary><c>server.address</c>: the Iggy server's host.</summary>
    public const string ServerAddress = "server.address";
    /// <summary><c>server.port</c>: the Iggy server's TCP port.</summary>
    public const string ServerPort = "server.port";
    /// <summary><c>error.type</c>: an exception's full type name, or a short reason such as <c>invalid_payload</c>.</summary>
    public const string ErrorType = "error.type";

    /// <summary>What the consumer's failure policy did with a failed message: <see cref="SkipAction"/> or <see cref="DeadLetterAction"/>.</summary>
    public const string FailureAction = "messaging.iggy.consumer.failure_action";

    /// <summary>The failed message was skipped.</summary>
    public const string SkipAction = "skip";

    /// <summary>The failed message was parked in the dead-letter topic.</summary>
    public const string DeadLetterAction = "dead_letter";

    /// <summary>The send operation: operation names (<see cref="OperationName"/>) are also the first word of span names.</summary>
    public const string SendOperation = "send";
    /// <summary>The poll that receives messages.</summary>
    public const string ReceiveOperation = "receive";
    /// <summary>The handling of one message.</summary>
    public const string ProcessOperation = "process";
}
