using IggyAspire.TestServer.Host;

namespace IggyAspire.TestServer.Tests.Host;

/// <summary>The test server process's settings: loopback addresses only, a password required, each failure naming its key.</summary>
public sealed class TestServerSettingsTests
{
    [Theory]
    [InlineData("127.0.0.1:8090", 8090)]
    [InlineData("localhost:0", 0)]
    [InlineData("127.0.0.1:65535", 65535)]
    public void A_loopback_address_gives_its_port(string address, int port) =>
        Assert.Equal(port, TestServerSettings.LoopbackPort(address));

    [Theory]
    [InlineData("0.0.0.0:8090")]
    [InlineData("10.0.0.1:8090")]
    [InlineData("127.0.0.1")]
    [InlineData(":8090")]
    [InlineData("127.0.0.1:")]
    [InlineData("127.0.0.1:65536")]
    [InlineData("127.0.0.1:-1")]
    [InlineData("127.0.0.1:+80")]
    public void Any_other_address_gives_none(string address) =>
        Assert.Null(TestServerSettings.LoopbackPort(address));

    [Fact]
    public void The_defaults_with_a_password_are_valid()
    {
        var result = new TestServerSettingsValidator().Validate(null, new TestServerSettings { RootPassword = "pw" });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Each_bad_setting_is_named_and_the_password_never_shown()
    {
        var result = new TestServerSettingsValidator().Validate(null, new TestServerSettings
        {
            TcpAddress = "0.0.0.0:8090",
            HttpAddress = "localhost:x",
            RootUsername = "",
            RootPassword = "",
        });

        Assert.Equal(
            [
                "IGGY_TCP_ADDRESS must be 127.0.0.1:<port> or localhost:<port> (the test server listens on loopback only), not '0.0.0.0:8090'.",
                "IGGY_HTTP_ADDRESS must be 127.0.0.1:<port> or localhost:<port> (the test server listens on loopback only), not 'localhost:x'.",
                "IGGY_ROOT_USERNAME must not be empty.",
                "IGGY_ROOT_PASSWORD is required: the test server has no default password.",
            ],
            result.Failures);
    }

    [Fact]
    public void A_wrong_address_with_a_password_names_only_the_address()
    {
        var result = new TestServerSettingsValidator().Validate(null, new TestServerSettings { HttpAddress = "example.com:3000", RootPassword = "hunter2-secret" });

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("IGGY_HTTP_ADDRESS", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", result.FailureMessage, StringComparison.Ordinal);
    }
}
