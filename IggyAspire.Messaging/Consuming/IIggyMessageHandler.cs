namespace IggyAspire.Messaging;

/// <summary>
/// Your code for each message the consumer receives, resolved from a new service scope per message. The offset is
/// stored only after it returns: a crash before then brings the message back (at least once). An exception is
/// logged, counted and handled by <see cref="IggyConsumerSettings.FailurePolicy"/>.
/// </summary>
/// <typeparam name="TMessage">The application's message type.</typeparam>
public interface IIggyMessageHandler<TMessage>
{
    /// <summary>Handles one message.</summary>
    /// <param name="message">The message and where it was in the topic.</param>
    /// <param name="cancellationToken">
    /// Cancelled when the host stops; a handler that gives up then leaves the message unhandled, and it is delivered
    /// again after the restart.
    /// </param>
    Task HandleAsync(IggyMessage<TMessage> message, CancellationToken cancellationToken);
}
