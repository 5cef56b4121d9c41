namespace IggyAspire.Messaging;

/// <summary>
/// The headers a message parked by <see cref="IggyFailurePolicy.DeadLetter"/> carries beside its own: where it came
/// from and why it failed. Values longer than Iggy's 255 bytes are cut.
/// </summary>
public static class IggyDeadLetterHeaders
{
    /// <summary>The topic it was consumed from.</summary>
    public const string Topic = "dead-letter.topic";

    /// <summary>Its partition there.</summary>
    public const string PartitionId = "dead-letter.partition";

    /// <summary>Its offset there.</summary>
    public const string Offset = "dead-letter.offset";

    /// <summary>
    /// Why it failed: <c>invalid_payload</c> when it did not deserialize, else the full name of the exception the handler threw.
    /// </summary>
    public const string ErrorType = "dead-letter.error.type";

    /// <summary>The deserializer's or handler's exception message.</summary>
    public const string ErrorMessage = "dead-letter.error.message";
}
