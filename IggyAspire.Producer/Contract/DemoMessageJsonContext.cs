using System.Text.Json.Serialization;

namespace IggyAspire.Producer;

/// <summary>Source-generated JSON for <see cref="DemoMessage"/>: no reflection, and every field is required.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    RespectRequiredConstructorParameters = true,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(DemoMessage))]
internal sealed partial class DemoMessageJsonContext : JsonSerializerContext;
