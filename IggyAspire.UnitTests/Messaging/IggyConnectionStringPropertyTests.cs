using CsCheck;
using IggyAspire.Messaging.Connection;

namespace IggyAspire.UnitTests.Messaging;

/// <summary>
/// Properties over generated connection strings: the parser fails only the documented way, and its message never holds
/// the password, however the text around the password is broken.
/// </summary>
public sealed class IggyConnectionStringPropertyTests
{
    // Pieces of connection-string syntax, so generated strings reach every branch of the parser, not only the first check.
    private static readonly Gen<string> Fragment = Gen.OneOf(
        Gen.OneOf(
            "iggy://", "iggy+tcp://", "iggy+quic://", "IGGY://", "http://", "iggy:/", "://", ":", "@", "?", "&", "=", "/",
            "#", "[", "]", "%", "%40", "%3A", " ", "localhost", "10.0.0.5", "[::1]", "8090", "0", "70000", "tls", "true",
            "tls_domain", "tls_ca_file", "reconnection_retries", "unlimited", "reconnection_interval", "reestablish_after",
            "heartbeat_interval", "nodelay", "5s", "1h 2m", "none", "-1"),
        Gen.String);

    private static readonly Gen<string> SyntaxSoup = Fragment.Array[0, 12].Select(string.Concat);

    // A password as a person or a generator would pick it: unreserved characters, so it reads the same escaped or not.
    private static readonly Gen<string> Password = Gen.String[Gen.Char["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"], 6, 16]
        .Select(random => "Pw" + random);

    // What may sit where the credentials are, the password last: whole, without a user, after several ':'.
    private static readonly Gen<string> BeforePassword = Gen.OneOf("user:", ":", "user:x:", "a b:", "user%3A:");

    // What may follow the password: the '@' and host, or a typo, a separator, nothing, several '@'.
    private static readonly Gen<string> AfterPassword = Gen.OneOf("@", "", " ", "@@", "@x@", ":", "/", "#", "?", "&", "=", "%");

    private static readonly Gen<string> Scheme = Gen.OneOf("iggy://", "iggy+tcp://", "IGGY://", "iggy+quic://", "http://", "", "iggy:", "iggy//");

    [Fact]
    public void TryParse_never_throws_and_Parse_throws_only_FormatException()
    {
        Gen.OneOf(Gen.String, SyntaxSoup).Sample(text =>
        {
            var parsed = IggyConnectionString.TryParse(text, out _, out var error);
            var exception = Record.Exception(() => IggyConnectionString.Parse(text));

            Assert.Equal(parsed, exception is null);
            Assert.True(exception is null or FormatException, $"Parse threw {exception?.GetType()}: {exception?.Message}");
            Assert.Equal(parsed, error is null);
        }, iter: 20_000);
    }

    [Fact]
    public void The_message_never_contains_the_password()
    {
        Gen.Select(Scheme, BeforePassword, Password, AfterPassword, SyntaxSoup).Sample((scheme, before, password, after, rest) =>
        {
            var text = scheme + before + password + after + rest;

            if (!IggyConnectionString.TryParse(text, out _, out var error))
            {
                Assert.DoesNotContain(password, error, StringComparison.Ordinal);
            }
        }, iter: 20_000);
    }

    [Fact]
    public void A_valid_string_with_a_broken_option_never_echoes_the_password()
    {
        Gen.Select(Password, SyntaxSoup).Sample((password, options) =>
        {
            var text = $"iggy://iggy:{password}@localhost:8090?{options}";

            if (!IggyConnectionString.TryParse(text, out _, out var error))
            {
                Assert.DoesNotContain(password, error, StringComparison.Ordinal);
            }
        }, iter: 10_000);
    }
}
