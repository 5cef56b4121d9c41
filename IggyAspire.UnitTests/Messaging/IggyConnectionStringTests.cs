using IggyAspire.Messaging.Connection;

namespace IggyAspire.UnitTests.Messaging;

public sealed class IggyConnectionStringTests
{
    [Theory]
    [InlineData("iggy://iggy:secret@localhost:8090", "localhost", 8090, "iggy", "secret")]
    [InlineData("iggy+tcp://admin:p%40ss%3Aword@10.0.0.5:18090", "10.0.0.5", 18090, "admin", "p@ss:word")]
    [InlineData("IGGY://iggy:secret@iggy.internal:8090/", "iggy.internal", 8090, "iggy", "secret")]
    [InlineData("iggy://localhost:8090", "localhost", 8090, null, null)]
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
    [InlineData("iggy://iggy@localhost:8090", "needs both a user name and a password")]
    [InlineData("iggy://:secret@localhost:8090", "needs both a user name and a password")]
    [InlineData("iggy://iggy:@localhost:8090", "needs both a user name and a password")]
    [InlineData("iggy://iggy:secret@localhost:8090?tls=true&nodelay=true", "options ('tls=true&nodelay=true')")]
    [InlineData("iggy://iggy:secret@localhost:8090/streams", "path ('/streams')")]
    [InlineData("iggy://iggy:se/cret@localhost:8090", "URL-encode")]
    public void Unusable_strings_fail_naming_the_problem(string text, string problem)
    {
        var failure = Assert.Throws<FormatException>(() => IggyConnectionString.Parse(text));

        Assert.Contains(problem, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("iggy://iggy:hunter2-secret localhost:8090", "no valid host")]
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
    public void Printing_it_never_shows_the_password()
    {
        var parsed = IggyConnectionString.Parse("iggy://iggy:secret@localhost:8090");

        Assert.Equal("iggy://iggy:***@localhost:8090", parsed.ToString());
    }
}
