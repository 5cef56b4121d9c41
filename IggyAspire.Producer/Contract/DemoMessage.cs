using System.Text.Json.Serialization;

namespace IggyAspire.Producer;

/// <summary>The message the demo's producer sends and its consumer handles: the proof of concept's <c>{"id","text","ts"}</c>.</summary>
/// <param name="Id">Counts up from 1; also the Iggy message id, so the two never disagree.</param>
/// <param name="Text">Free text.</param>
/// <param name="Ts">When the producer created the message, written as Python's <c>isoformat()</c> writes it.</param>
internal sealed record DemoMessage(long Id, string Text, [property: JsonConverter(typeof(IsoFormatTimestampConverter))] DateTimeOffset Ts);
