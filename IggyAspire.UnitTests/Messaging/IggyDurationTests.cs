using IggyAspire.Messaging.Connection;

namespace IggyAspire.UnitTests.Messaging;

// Expected values from humantime 2.3's parse_duration tests and Iggy's IggyDuration::from_str.
public sealed class IggyDurationTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("unlimited", 0L)]
    [InlineData("Disabled", 0L)]
    [InlineData("NONE", 0L)]
    [InlineData("5s", 5_000L)]
    [InlineData("250ms", 250L)]
    [InlineData("2h 37min", 9_420_000L)]
    [InlineData("1h30m", 5_400_000L)]
    [InlineData("4.2s", 4_200L)]
    [InlineData("1.5h", 5_400_000L)]
    [InlineData(" 1 0 s ", 10_000L)]
    [InlineData("1m", 60_000L)]
    [InlineData("1M", 60_000L)]
    [InlineData("1 month", 2_630_016_000L)]
    [InlineData("2 weeks 1day", 1_296_000_000L)]
    [InlineData("1000000us", 1_000L)]
    [InlineData("1000000µs", 1_000L)]
    [InlineData("1500000000ns", 1_500L)]
    public void Reads_what_Iggys_Rust_SDK_reads(string text, long milliseconds)
    {
        Assert.True(IggyDuration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("5")]
    [InlineData("s")]
    [InlineData("-5s")]
    [InlineData("5 parsecs")]
    [InlineData("5s,")]
    [InlineData("1.s")]
    [InlineData("1.5ns")]
    [InlineData("1.0000000001s")]
    [InlineData("0.0001h")]
    [InlineData("18446744073709551616s")]
    [InlineData("99999999999999y")]
    public void Refuses_what_Iggys_Rust_SDK_refuses_or_a_TimeSpan_cannot_hold(string text)
    {
        Assert.False(IggyDuration.TryParse(text, out _));
    }
}
