using System.Text;
using IggyAspire.Messaging.Contract;

namespace IggyAspire.UnitTests.Messaging;

public sealed class DemoMessageSerializerTests
{
    [Fact]
    public void A_message_is_the_seeds_JSON_and_reads_back_equal()
    {
        var message = new DemoMessage(42, "hello from producer", new DateTimeOffset(2026, 11, 23, 13, 0, 0, TimeSpan.Zero));

        var payload = DemoMessageSerializer.Serialize(message);

        Assert.Equal("""{"id":42,"text":"hello from producer","ts":"2026-11-23T13:00:00+00:00"}""", Encoding.UTF8.GetString(payload));
        Assert.True(DemoMessageSerializer.TryDeserialize(payload, out var read, out _));
        Assert.Equal(message, read);
    }

    [Fact]
    public void The_seeds_Python_timestamp_format_is_read()
    {
        var payload = """{"id":1,"text":"hi","ts":"2026-11-23T13:00:00.123456+00:00"}"""u8;

        Assert.True(DemoMessageSerializer.TryDeserialize(payload, out var read, out _));
        Assert.Equal(1, read.Id);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("""{"id":1,"text":"missing ts"}""")]
    [InlineData("""{"id":"one","text":"x","ts":"2026-11-23T13:00:00Z"}""")]
    [InlineData("""{"id":1,"text":null,"ts":"2026-11-23T13:00:00Z"}""")]
    [InlineData("null")]
    [InlineData("")]
    public void Anything_else_is_refused_with_a_reason(string payload)
    {
        Assert.False(DemoMessageSerializer.TryDeserialize(Encoding.UTF8.GetBytes(payload), out var message, out var error));
        Assert.Null(message);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }
}
