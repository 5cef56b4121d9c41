using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace IggyAspire.Messaging.Connection;

/// <summary>
/// The Iggy ecosystem's connection string, <c>iggy://user:password@host:port?options</c> (TCP), read as Iggy's Rust SDK
/// reads it (core/common/src/types/configuration/auth_config/connection_string.rs). Apache.Iggy 0.8.0 parses none, so
/// this is ours: it yields the <c>host:port</c> the SDK wants, the credentials and the <see cref="IggyTcpOptions"/>.
/// </summary>
/// <remarks>
/// <para>
/// Unlike Rust, which takes them verbatim, this reads the user name and password URL-decoded (<c>%40</c> is <c>@</c>,
/// <c>%3A</c> is <c>:</c>), so a generated password with any character can travel in the string. A password written
/// by hand is best kept to A–Z a–z 0–9 - . _ ~, which every SDK reads alike.
/// </para>
/// <para>
/// It refuses what Rust refuses, and also: another transport's scheme (<c>iggy+quic</c>, <c>iggy+http</c>,
/// <c>iggy+ws</c>), a personal access token in place of <c>user:password</c> (Apache.Iggy 0.8.0 cannot log in with
/// one), an IPv6 host (Apache.Iggy 0.8.0 connects over IPv4 only), port 0 and a path. It also takes
/// <c>iggy://host:port</c> without credentials, for the settings to give them, an upper-case scheme and a trailing
/// <c>/</c>. Its error messages name the part that is wrong and never quote the credentials.
/// </para>
/// </remarks>
public sealed record IggyConnectionString(string Host, int Port, string? Username, string? Password)
{
    private const string Expected = "expected iggy://user:password@host:port";

    private static readonly string[] TcpSchemes = ["iggy", "iggy+tcp"];

    // Iggy's other transports (core/common/src/types/configuration/transport.rs).
    private static readonly Dictionary<string, string> OtherTransports = new(StringComparer.OrdinalIgnoreCase)
    {
        ["iggy+quic"] = "QUIC",
        ["iggy+http"] = "HTTP",
        ["iggy+ws"] = "WebSocket",
    };

    /// <summary>The options after the <c>?</c>; all absent when there is none.</summary>
    public IggyTcpOptions Options { get; init; } = new();

    /// <summary>The address in the form Apache.Iggy's TCP client takes.</summary>
    public string Address => $"{Host}:{Port}";

    /// <summary>Parses <paramref name="connectionString"/>.</summary>
    /// <exception cref="FormatException">The text is not a usable Iggy TCP connection string; the message says why.</exception>
    public static IggyConnectionString Parse(string connectionString) =>
        TryParse(connectionString, out var parsed, out var error) ? parsed : throw new FormatException(error);

    /// <summary>Parses <paramref name="connectionString"/>, or says in <paramref name="error"/> what is wrong with it.</summary>
    public static bool TryParse(
        string? connectionString,
        [NotNullWhen(true)] out IggyConnectionString? parsed,
        [NotNullWhen(false)] out string? error)
    {
        error = Read(connectionString, out parsed);
        return error is null;
    }

    /// <summary>The connection string with the password masked, safe to log.</summary>
    public override string ToString() => Username is null
        ? $"iggy://{Address}"
        : $"iggy://{Uri.EscapeDataString(Username)}:***@{Address}";

    // Split as Rust splits: at "://", then at the '@', then at the '?'. The credentials never reach a message; with no
    // '@', the host and port may be a password whose '@host:port' is missing, so they are not quoted either.
    private static string? Read(string? text, out IggyConnectionString? parsed)
    {
        parsed = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return $"The Iggy connection string is empty; {Expected}.";
        }

        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            return $"The Iggy connection string has no scheme; {Expected}.";
        }

        if (text.IndexOf("://", schemeEnd + 3, StringComparison.Ordinal) >= 0)
        {
            return $"The Iggy connection string has '://' more than once; {Expected}.";
        }

        if (CheckScheme(text[..schemeEnd]) is { } schemeError)
        {
            return schemeError;
        }

        var rest = text[(schemeEnd + 3)..];
        var at = rest.IndexOf('@');
        if (at >= 0 && rest.IndexOf('@', at + 1) >= 0)
        {
            return "The Iggy connection string has more than one '@'; write an '@' in the user name or password as %40.";
        }

        string? username = null, password = null;
        if (at >= 0 && ReadCredentials(rest[..at], out username, out password) is { } credentialsError)
        {
            return credentialsError;
        }

        var serverAndOptions = rest[(at + 1)..];
        var question = serverAndOptions.IndexOf('?');
        if (question >= 0 && serverAndOptions.IndexOf('?', question + 1) >= 0)
        {
            return "The Iggy connection string has more than one '?'; options go after the first, separated by '&'.";
        }

        var server = question < 0 ? serverAndOptions : serverAndOptions[..question];
        if (ReadServer(server, quotable: at >= 0, out var host, out var port) is { } serverError)
        {
            return serverError;
        }

        var options = new IggyTcpOptions();
        if (question >= 0 && !IggyTcpOptions.TryParse(serverAndOptions[(question + 1)..], out options, out var optionsError))
        {
            return optionsError;
        }

        parsed = new IggyConnectionString(host, port, username, password) { Options = options };
        return null;
    }

    private static string? CheckScheme(string scheme)
    {
        if (TcpSchemes.Contains(scheme, StringComparer.OrdinalIgnoreCase))
        {
            return null;
        }

        const string OnlyTcp = "only TCP (iggy:// or iggy+tcp://) is supported, because Apache.Iggy's consumer groups need TCP";
        if (OtherTransports.TryGetValue(scheme, out var transport))
        {
            return $"The Iggy connection string's scheme '{scheme}' is Iggy's {transport} transport; {OnlyTcp}.";
        }

        // Quoted only when it looks like Iggy's: the text before "://" may be anything, a password included.
        return scheme.StartsWith("iggy+", StringComparison.OrdinalIgnoreCase) && scheme[5..].All(char.IsAsciiLetter)
            ? $"The Iggy connection string's scheme '{scheme}' is not one of Iggy's transports; {OnlyTcp}."
            : $"The Iggy connection string's scheme is not Iggy's; {OnlyTcp}.";
    }

    // Rust: exactly one ':' splits user and password, both non-empty; no ':' is a personal access token.
    private static string? ReadCredentials(string credentials, out string? username, out string? password)
    {
        username = password = null;
        var colon = credentials.IndexOf(':');
        if (colon < 0)
        {
            return "The Iggy connection string has a single value before the '@', which Iggy reads as a personal access token; Apache.Iggy 0.8.0 cannot log in with one: it needs both a user name and a password (user:password before the '@').";
        }

        if (credentials.IndexOf(':', colon + 1) >= 0)
        {
            return "The Iggy connection string has more than one ':' before the '@'; write a ':' in the user name or password as %3A.";
        }

        if (colon == 0 || colon == credentials.Length - 1)
        {
            return "The Iggy connection string needs both a user name and a password (user:password before the '@').";
        }

        username = Uri.UnescapeDataString(credentials[..colon]);
        password = Uri.UnescapeDataString(credentials[(colon + 1)..]);
        return null;
    }

    private static string? ReadServer(string server, bool quotable, out string host, out int port)
    {
        host = string.Empty;
        port = 0;
        string Quoted(string part) => quotable ? $" '{part}'" : string.Empty;
        const string MissingAt = " There is no '@': user:password needs '@host:port' after it.";
        var missingAt = quotable ? string.Empty : MissingAt;
        var unquoted = quotable ? string.Empty : MissingAt + " The part is not quoted, as it may be the password.";

        // A trailing '/' is harmless; a path is not Iggy's.
        var withoutSlash = server.EndsWith('/') ? server[..^1] : server;
        var slash = withoutSlash.IndexOf('/');
        if (slash >= 0)
        {
            return $"The Iggy connection string has a path{(quotable ? $" ('{withoutSlash[slash..]}')" : string.Empty)}; only iggy://user:password@host:port?options is supported.{unquoted}";
        }

        if (withoutSlash.StartsWith('['))
        {
            return $"The Iggy connection string's host{Quoted(withoutSlash)} is an IPv6 address; Apache.Iggy 0.8.0 connects over IPv4 only: use an IPv4 address or a host name.";
        }

        var portSeparator = withoutSlash.LastIndexOf(':');
        if (portSeparator < 0 || portSeparator == withoutSlash.Length - 1)
        {
            return $"The Iggy connection string has no port; the TCP port is usually 8090 (iggy://user:password@host:8090).{missingAt}";
        }

        var portText = withoutSlash[(portSeparator + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
        {
            return $"The Iggy connection string's port{Quoted(portText)} is not a number from 1 to 65535.{unquoted}";
        }

        var hostText = withoutSlash[..portSeparator];
        if (!Uri.TryCreate($"iggy://{hostText}:{port}", UriKind.Absolute, out var uri)
            || uri.HostNameType is not (UriHostNameType.Dns or UriHostNameType.IPv4)
            || !string.Equals(uri.Host, hostText, StringComparison.OrdinalIgnoreCase)
            || uri.Port != port)
        {
            return $"The Iggy connection string's host{Quoted(hostText)} is not a host name or an IPv4 address.{unquoted}";
        }

        host = uri.Host;
        return null;
    }
}
