namespace IggyAspire.Messaging;

/// <summary>What the consumer does with a message whose payload does not deserialize or whose handler throws.</summary>
public enum IggyFailurePolicy
{
    /// <summary>Logs and counts it, then goes on past it: the offset is stored as if it was handled.</summary>
    Skip,

    /// <summary>
    /// Sends its payload and headers, with why it failed, to <see cref="IggyConsumerSettings.DeadLetterTopic"/>, then goes
    /// on past it. Until that send succeeds the offset is not stored past the message, so a failure loses nothing.
    /// </summary>
    DeadLetter,
}
