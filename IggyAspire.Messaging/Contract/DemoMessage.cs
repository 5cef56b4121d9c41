namespace IggyAspire.Messaging.Contract;

/// <summary>The message the producer sends and the consumer processes: the seeds' <c>{"id","text","ts"}</c>.</summary>
/// <param name="Id">Counts up from 1; also the Iggy message id, so the two never disagree.</param>
/// <param name="Text">Free text.</param>
/// <param name="Ts">When the producer created the message (ISO-8601 on the wire).</param>
public sealed record DemoMessage(long Id, string Text, DateTimeOffset Ts);
