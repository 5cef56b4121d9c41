using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace IggyAspire.Producer;

/// <summary>
/// Writes <c>ts</c> with exactly six fraction digits and the offset, <c>2026-12-03T05:33:00.123456+00:00</c>, as the
/// proof of concept's Python <c>datetime.isoformat()</c> did: Python 3.10's <c>datetime.fromisoformat</c> reads none,
/// three or six digits, not .NET's default of up to seven. Reads any ISO 8601 timestamp.
/// </summary>
internal sealed class IsoFormatTimestampConverter : JsonConverter<DateTimeOffset>
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.ffffffzzz";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        // Raw, quotes included: as a string value the default encoder would write '+' as \u002B, which Python's
        // json.dumps never does. The text is digits and - : . T + only, so it needs no escaping.
        Span<char> text = stackalloc char[40];
        text[0] = '"';
        value.TryFormat(text[1..], out var written, Format, CultureInfo.InvariantCulture);
        text[written + 1] = '"';
        writer.WriteRawValue(text[..(written + 2)], skipInputValidation: true);
    }
}
