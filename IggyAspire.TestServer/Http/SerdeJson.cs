using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace IggyAspire.TestServer.Http;

/// <summary>
/// A request body as axum 0.8's <c>Json&lt;T&gt;</c> extractor takes it with serde_json: the content type first (415),
/// then the syntax (400, JsonSyntaxError), then the shape of <c>T</c> (422, JsonDataError). The status and the text
/// before the colon are axum's; what follows it is worded as serde words it, without serde_json's line and column.
/// </summary>
internal static class SerdeJson
{
    /// <summary>
    /// axum's json_content_type: the <c>Content-Type</c> must parse as a MIME type <c>application/json</c> or
    /// <c>application/*+json</c> (parameters such as a charset are fine); then the body must be JSON.
    /// </summary>
    public static JsonElement ParseBody(string? contentType, byte[] body)
    {
        if (!IsJson(contentType))
        {
            throw IggyHttpErrors.MissingJsonContentType();
        }

        if (body.All(b => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r'))
        {
            throw IggyHttpErrors.JsonSyntax("EOF while parsing a value at line 1 column 0");
        }

        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
            return document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            throw IggyHttpErrors.JsonSyntax(exception.Message);
        }
    }

    private static bool IsJson(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var parsed) || parsed.MediaType is not { } mediaType)
        {
            return false;
        }

        var slash = mediaType.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            return false;
        }

        var type = mediaType[..slash];
        var subtype = mediaType[(slash + 1)..];
        return type.Equals("application", StringComparison.OrdinalIgnoreCase)
            && (subtype.Equals("json", StringComparison.OrdinalIgnoreCase) || subtype.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>serde's <c>Unexpected</c> as its invalid-type errors name a JSON value (<c>string "x"</c>, <c>integer `5`</c>, ...).</summary>
    public static string Unexpected(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"string \"{value.GetString()}\"",
        JsonValueKind.Number when IsInteger(value) => $"integer `{value.GetRawText()}`",
        JsonValueKind.Number => $"floating point `{Float(value)}`",
        JsonValueKind.True => "boolean `true`",
        JsonValueKind.False => "boolean `false`",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "sequence",
        _ => "map",
    };

    /// <summary>serde_json reads a number without a fraction or exponent that fits an i64 or u64 as an integer, anything else as an f64.</summary>
    public static bool IsInteger(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && !value.GetRawText().AsSpan().ContainsAny('.', 'e', 'E')
        && (value.TryGetUInt64(out _) || value.TryGetInt64(out _));

    private static string Float(JsonElement value)
    {
        var text = value.GetDouble().ToString("R", CultureInfo.InvariantCulture);
        return text.AsSpan().ContainsAny('.', 'E', 'N') || text.Contains("Infinity", StringComparison.Ordinal) ? text : text + ".0";
    }

    public static HttpRejection InvalidType(JsonElement value, string expected) => IggyHttpErrors.JsonData($"invalid type: {Unexpected(value)}, expected {expected}");

    public static HttpRejection InvalidValue(JsonElement value, string expected) => IggyHttpErrors.JsonData($"invalid value: {Unexpected(value)}, expected {expected}");
}

/// <summary>The kinds of field the request types of 0.8.0's HTTP API have, as serde deserializes each.</summary>
internal enum SerdeField
{
    /// <summary><c>String</c>: a JSON string.</summary>
    String,

    /// <summary><c>u32</c>: a non-negative integer up to 4294967295.</summary>
    U32,

    /// <summary>IggyExpiry (utils/expiry.rs:188-211): <c>deserialize_u64</c> with a visitor that has only visit_u64.</summary>
    Expiry,

    /// <summary>MaxTopicSize (utils/topic_size.rs:138-175): <c>deserialize_u64</c>, which serde_json answers for numbers only.</summary>
    TopicSize,

    /// <summary>CompressionAlgorithm (compression_algorithm.rs:100-124): <c>deserialize_str</c>, <c>"none"</c> or <c>"gzip"</c> in any case.</summary>
    Compression,

    /// <summary><c>Option&lt;u8&gt;</c>: missing or null is None.</summary>
    OptionalU8,

    /// <summary><c>Option&lt;String&gt;</c> with <c>#[serde(default)]</c>.</summary>
    OptionalString,
}

/// <summary>
/// A <c>#[derive(Deserialize)]</c> struct read from JSON as serde derives it: from a map, each known key's value read in
/// the order written (a second one is "duplicate field"), unknown keys ignored, then the first field missing in
/// declaration order reported (an <c>Option</c> is None when missing); or from a sequence, its elements in declaration
/// order. Anything else is "invalid type ... expected struct T".
/// </summary>
internal sealed class SerdeStruct
{
    private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);

    public SerdeStruct(JsonElement json, string typeName, params (string Name, SerdeField Kind)[] fields)
    {
        var expected = $"struct {typeName}";
        if (json.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in json.EnumerateObject())
            {
                var index = Array.FindIndex(fields, field => field.Name == property.Name);
                if (index < 0)
                {
                    continue;
                }

                if (_values.ContainsKey(property.Name))
                {
                    throw IggyHttpErrors.JsonData($"duplicate field `{property.Name}`");
                }

                _values[property.Name] = Read(property.Value, fields[index].Kind);
            }

            foreach (var (name, kind) in fields)
            {
                if (!_values.ContainsKey(name))
                {
                    _values[name] = kind is SerdeField.OptionalU8 or SerdeField.OptionalString
                        ? null
                        : throw IggyHttpErrors.JsonData($"missing field `{name}`");
                }
            }
        }
        else if (json.ValueKind == JsonValueKind.Array)
        {
            var elements = json.EnumerateArray().ToList();
            for (var i = 0; i < fields.Length; i++)
            {
                if (i >= elements.Count)
                {
                    _values[fields[i].Name] = fields[i].Kind == SerdeField.OptionalString
                        ? null
                        : throw IggyHttpErrors.JsonData($"invalid length {elements.Count}, expected {expected} with {fields.Length} elements");
                    continue;
                }

                _values[fields[i].Name] = Read(elements[i], fields[i].Kind);
            }

            if (elements.Count > fields.Length)
            {
                throw IggyHttpErrors.JsonData($"invalid length {elements.Count}, expected fewer elements in array");
            }
        }
        else
        {
            throw SerdeJson.InvalidType(json, expected);
        }
    }

    public string String(string field) => (string)_values[field]!;

    public uint U32(string field) => (uint)_values[field]!;

    public ulong U64(string field) => (ulong)_values[field]!;

    public byte Byte(string field) => (byte)_values[field]!;

    public byte? OptionalByte(string field) => (byte?)_values[field];

    public string? OptionalString(string field) => (string?)_values[field];

    private static object? Read(JsonElement value, SerdeField kind)
    {
        switch (kind)
        {
            case SerdeField.String:
                return value.ValueKind == JsonValueKind.String ? value.GetString() : throw SerdeJson.InvalidType(value, "a string");
            case SerdeField.OptionalString:
                return value.ValueKind switch
                {
                    JsonValueKind.Null => null,
                    JsonValueKind.String => value.GetString(),
                    _ => throw SerdeJson.InvalidType(value, "a string"),
                };
            case SerdeField.U32:
                return (uint)Unsigned(value, uint.MaxValue, "u32");
            case SerdeField.OptionalU8:
                return value.ValueKind == JsonValueKind.Null ? null : (byte?)(byte)Unsigned(value, byte.MaxValue, "u8");
            case SerdeField.Expiry:
                return U64Visitor(value, "a microsecond expiry as a u64");
            case SerdeField.TopicSize:
                return U64Visitor(value, "a u64 bytes representing a MaxTopicSize");
            case SerdeField.Compression:
                if (value.ValueKind != JsonValueKind.String)
                {
                    throw SerdeJson.InvalidType(value, "a valid compression type, check documentation for more information.");
                }

                // compression_algorithm.rs:42-52 from_str, lower-cased; codes as_code (compression_algorithm.rs:55-60).
                return value.GetString()!.ToLowerInvariant() switch
                {
                    "none" => (byte)1,
                    "gzip" => (byte)2,
                    _ => throw IggyHttpErrors.JsonData($"Unknown compression type: {value.GetString()}"),
                };
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    /// <summary>serde's primitive visitor for an unsigned integer: a float is the wrong type, a negative or too large integer the wrong value.</summary>
    private static ulong Unsigned(JsonElement value, ulong max, string expected)
    {
        if (!SerdeJson.IsInteger(value))
        {
            throw SerdeJson.InvalidType(value, expected);
        }

        return value.TryGetUInt64(out var number) && number <= max ? number : throw SerdeJson.InvalidValue(value, expected);
    }

    /// <summary>A visitor with only visit_u64: a negative integer is the wrong type (visit_i64's default), as is a float or anything else.</summary>
    private static ulong U64Visitor(JsonElement value, string expected) =>
        SerdeJson.IsInteger(value) && value.TryGetUInt64(out var number) ? number : throw SerdeJson.InvalidType(value, expected);
}

/// <summary>Decodes base64 as the <c>base64</c> crate's STANDARD engine does: padded, no whitespace.</summary>
internal static class StandardBase64
{
    public static byte[]? TryDecode(string text)
    {
        if (text.Length % 4 != 0 || text.AsSpan().IndexOfAny(" \t\r\n") >= 0)
        {
            return null;
        }

        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
