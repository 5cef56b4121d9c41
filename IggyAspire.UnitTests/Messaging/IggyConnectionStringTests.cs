using IggyAspire.Messaging.Connection;

namespace IggyAspire.UnitTests.Messaging;

public sealed class IggyConnectionStringTests
{
    [Theory]
    [InlineData("iggy://iggy:secret@localhost:8090", "localhost", 8090, "iggy", "secret")]
    [InlineData("iggy+tcp://admin:p%40ss%3Aword@10.0.0.5:18090", "10.0.0.5", 18090, "admin", "p@ss:word")]
    [InlineData("IGGY://iggy:secret@iggy.internal:8090/", "iggy.internal", 8090, "iggy", "secret")]
    [InlineData("iggy://localhost:8090", "localhost", 8090, null, null)]
    [InlineData("iggy://iggy:se/cret?#@localhost:8090", "localhost", 8090, "iggy", "se/cret?#")]
    public void Valid_strings_give_host_port_and_credentials(string text, string host, int port, string? user, string? password)
    {
        var parsed = IggyConnectionString.Parse(text);

        Assert.Equal(new IggyConnectionString(host, port, user, password), parsed);
        Assert.Equal($"{host}:{port}", parsed.Address);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("localhost:8090", "no scheme")]
    [InlineData("iggy+quic://iggy:secret@localhost:8080", "only TCP")]
    [InlineData("http://iggy:secret@localhost:3000", "only TCP")]
    [InlineData("iggy://iggy:secret@localhost", "no port")]
    [InlineData("iggy://iggy:secret@localhost:", "no port")]
    [InlineData("iggy://iggy:secret@localhost:eighty", "not a number")]
    [InlineData("iggy://iggy:secret@localhost:70000", "1 to 65535")]
    [InlineData("iggy://iggy:secret@localhost:0", "1 to 65535")]
    [InlineData("iggy://iggy:secret@[::1]:8090", "IPv6")]
    [InlineData("iggy://iggy:secret@[::1]", "IPv6")]
    [InlineData("iggy://iggy@localhost:8090", "personal access token")]
    [InlineData("iggy://iggy@localhost:8090", "needs both a user name and a password")]
    [InlineData("iggy://:secret@localhost:8090", "needs both a user name and a password")]
    [InlineData("iggy://iggy:@localhost:8090", "needs both a user name and a password")]
    [InlineData("iggy://iggy:secret@localhost:8090/streams", "path ('/streams')")]
    [InlineData("iggy+http://iggy:secret@localhost:3000", "'iggy+http' is Iggy's HTTP transport")]
    [InlineData("iggy+ws://iggy:secret@localhost:8092", "'iggy+ws' is Iggy's WebSocket transport")]
    [InlineData("iggy+udp://iggy:secret@localhost:8092", "'iggy+udp' is not one of Iggy's transports")]
    [InlineData("iggy://iggy:secret@localhost:8090?compression=gzip", "option 'compression' is unknown")]
    [InlineData("iggy://iggy:secret@localhost:8090?TLS=true", "option 'TLS' is unknown")]
    [InlineData("iggy://iggy:secret@localhost:8090?tls", "option 'tls' is not of the form name=value")]
    [InlineData("iggy://iggy:secret@localhost:8090?tls=a=b", "option 'tls=a=b' is not of the form name=value")]
    [InlineData("iggy://iggy:secret@localhost:8090?", "empty option")]
    [InlineData("iggy://iggy:secret@localhost:8090?tls=true&", "empty option")]
    [InlineData("iggy://iggy:secret@localhost:8090?tls=true?nodelay=true", "more than one '?'")]
    [InlineData("iggy://iggy:secret@localhost:8090?reconnection_retries=-1", "reconnection_retries='-1' is not a number")]
    [InlineData("iggy://iggy:secret@localhost:8090?reconnection_retries=Unlimited", "reconnection_retries='Unlimited' is not a number")]
    [InlineData("iggy://iggy:secret@localhost:8090?reconnection_retries=4294967296", "reconnection_retries='4294967296'")]
    [InlineData("iggy://iggy:secret@localhost:8090?reconnection_interval=5", "reconnection_interval='5' is not a duration")]
    [InlineData("iggy://iggy:secret@localhost:8090?reestablish_after=soon", "reestablish_after='soon' is not a duration")]
    [InlineData("iggy://iggy:secret@localhost:8090?heartbeat_interval=", "heartbeat_interval='' is not a duration")]
    public void Unusable_strings_fail_naming_the_problem(string text, string problem)
    {
        var failure = Assert.Throws<FormatException>(() => IggyConnectionString.Parse(text));

        Assert.Contains(problem, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("iggy://iggy:hunter2-secret localhost:8090", "not a host name")]
    [InlineData("iggy://iggy:pw-without-at", "not a number")]
    [InlineData("iggy:hunter2-secret@localhost:8090", "no scheme")]
    [InlineData("iggy://iggy:hunter2-secret@ops@localhost:8090", "more than one '@'")]
    [InlineData("iggy://iggy:hunter2:secret@localhost:8090", "more than one ':'")]
    [InlineData("iggy://hunter2-secret@localhost:8090", "personal access token")]
    public void Malformed_credentials_never_put_the_password_in_the_message(string text, string problem)
    {
        var failure = Assert.Throws<FormatException>(() => IggyConnectionString.Parse(text));

        Assert.DoesNotContain("secret", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pw-without-at", failure.Message, StringComparison.Ordinal);
        Assert.Contains(problem, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_options_every_option_is_absent()
    {
        Assert.Equal(new IggyTcpOptions(), IggyConnectionString.Parse("iggy://iggy:secret@localhost:8090").Options);
    }

    [Fact]
    public void Every_option_of_Iggys_Rust_SDK_is_read_verbatim()
    {
        var parsed = IggyConnectionString.Parse(
            "iggy+tcp://iggy:secret@iggy.example:8090?tls=true&tls_domain=iggy.example&tls_ca_file=/etc/iggy/ca%20root.pem"
            + "&reconnection_retries=5&reconnection_interval=1m 30s&reestablish_after=250ms&heartbeat_interval=disabled&nodelay=true");

        Assert.Equal(
            new IggyTcpOptions
            {
                Tls = true,
                TlsDomain = "iggy.example",
                TlsCaFile = "/etc/iggy/ca%20root.pem",
                ReconnectionRetries = 5,
                ReconnectionInterval = TimeSpan.FromSeconds(90),
                ReestablishAfter = TimeSpan.FromMilliseconds(250),
                HeartbeatInterval = TimeSpan.Zero,
                NoDelay = true,
            },
            parsed.Options);
        Assert.Equal(new IggyConnectionString("iggy.example", 8090, "iggy", "secret"), parsed with { Options = new IggyTcpOptions() });
    }

    [Theory]
    [InlineData("tls=TRUE&nodelay=1")]
    [InlineData("tls=false&nodelay=false")]
    [InlineData("tls=&nodelay=yes")]
    public void Tls_and_nodelay_are_on_only_for_the_exact_text_true_as_in_Rust(string options)
    {
        var parsed = IggyConnectionString.Parse($"iggy://iggy:secret@localhost:8090?{options}");

        Assert.False(parsed.Options.Tls);
        Assert.False(parsed.Options.NoDelay);
    }

    [Theory]
    [InlineData("reconnection_retries=unlimited", null)]
    [InlineData("reconnection_retries=0", 0u)]
    [InlineData("reconnection_retries=+7", 7u)]
    [InlineData("reconnection_retries=4294967295", uint.MaxValue)]
    [InlineData("reconnection_retries=3&reconnection_retries=unlimited", null)]
    public void Reconnection_retries_are_a_count_or_unlimited_and_the_last_one_wins(string options, uint? retries)
    {
        Assert.Equal(retries, IggyConnectionString.Parse($"iggy://iggy:secret@localhost:8090?{options}").Options.ReconnectionRetries);
    }

    [Fact]
    public void Options_also_follow_a_string_without_credentials_or_with_a_trailing_slash()
    {
        Assert.True(IggyConnectionString.Parse("iggy://localhost:8090?nodelay=true").Options.NoDelay);
        Assert.True(IggyConnectionString.Parse("iggy://iggy:secret@localhost:8090/?tls=true").Options.Tls);
    }

    [Fact]
    public void Printing_it_never_shows_the_password()
    {
        var parsed = IggyConnectionString.Parse("iggy://iggy:secret@localhost:8090");

        Assert.Equal("iggy://iggy:***@localhost:8090", parsed.ToString());
    }
}
