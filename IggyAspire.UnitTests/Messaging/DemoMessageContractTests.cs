using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using IggyAspire.Messaging;
using IggyAspire.Producer;

namespace IggyAspire.UnitTests.Messaging;

/// <summary>The demo's message (compiled in from IggyAspire.Producer) through the package's JSON serializer.</summary>
public sealed partial class DemoMessageContractTests
{
    private static readonly IggyJsonMessageSerializer<DemoMessage> Serializer = new(DemoMessageJsonContext.Default.DemoMessage);

    [Fact]
    public void A_message_is_the_proof_of_concepts_JSON_and_reads_back_equal()
    {
        var message = new DemoMessage(42, "hello from producer", new DateTimeOffset(2026, 11, 23, 13, 0, 0, TimeSpan.Zero).AddTicks(1_234_560));

        var payload = Serializer.Serialize(message);

        Assert.Equal("""{"id":42,"text":"hello from producer","ts":"2026-11-23T13:00:00.123456+00:00"}""", Encoding.UTF8.GetString(payload));
        Assert.Equal(message, Serializer.Deserialize(payload));
    }

    [Theory]
    [InlineData(0L, "2026-11-23T13:00:00.000000+00:00")]
    [InlineData(1L, "2026-11-23T13:00:00.000000+00:00")]
    [InlineData(1_200_000L, "2026-11-23T13:00:00.120000+00:00")]
    [InlineData(9_999_999L, "2026-11-23T13:00:00.999999+00:00")]
    public void Ts_has_exactly_six_fraction_digits_as_Pythons_isoformat_writes_them(long ticks, string expected)
    {
        // Python 3.10's datetime.fromisoformat reads none, three or six digits; .NET's default writes 0 to 7.
        var ts = new DateTimeOffset(2026, 11, 23, 13, 0, 0, TimeSpan.Zero).AddTicks(ticks);

        var written = Ts(Serializer.Serialize(new DemoMessage(1, "x", ts)));

        Assert.Equal(expected, written);
        Assert.Matches(IsoFormatWithMicroseconds(), written);
    }

    [Fact]
    public void An_offset_other_than_utc_is_written_as_python_writes_it()
    {
        var ts = new DateTimeOffset(2026, 11, 23, 13, 0, 0, TimeSpan.FromHours(-5));

        Assert.Equal("2026-11-23T13:00:00.000000-05:00", Ts(Serializer.Serialize(new DemoMessage(1, "x", ts))));
    }

    [Theory]
    [InlineData("2026-11-23T13:00:00.123456+00:00")]
    [InlineData("2026-11-23T13:00:00+00:00")]
    [InlineData("2026-11-23T13:00:00.1234567Z")]
    public void The_proof_of_concepts_and_other_iso_timestamps_are_read(string ts)
    {
        var read = Serializer.Deserialize(Encoding.UTF8.GetBytes($$"""{"id":1,"text":"hi","ts":"{{ts}}"}"""));

        Assert.Equal(DateTimeOffset.Parse(ts, System.Globalization.CultureInfo.InvariantCulture), read.Ts);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("""{"id":1,"text":"missing ts"}""")]
    [InlineData("""{"id":"one","text":"x","ts":"2026-11-23T13:00:00Z"}""")]
    [InlineData("""{"id":1,"text":null,"ts":"2026-11-23T13:00:00Z"}""")]
    [InlineData("""{"id":1,"text":"x","ts":"yesterday"}""")]
    [InlineData("null")]
    [InlineData("")]
    public void Anything_else_is_refused_with_a_reason(string payload)
    {
        var refused = Assert.Throws<JsonException>(() => Serializer.Deserialize(Encoding.UTF8.GetBytes(payload)));

        Assert.False(string.IsNullOrWhiteSpace(refused.Message));
    }

    private static string Ts(byte[] payload) => JsonDocument.Parse(payload).RootElement.GetProperty("ts").GetString()!;

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}[+-]\d{2}:\d{2}$")]
    private static partial Regex IsoFormatWithMicroseconds();
}
