using System.Text.Json.Serialization;

/// <summary>The service's own message.</summary>
public sealed record OrderPlaced(string OrderId, decimal Total);

[JsonSerializable(typeof(OrderPlaced))]
internal sealed partial class OrdersJsonContext : JsonSerializerContext;
