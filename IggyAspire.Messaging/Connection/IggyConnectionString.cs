using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace IggyAspire.Messaging.Connection;

/// <summary>
/// The Iggy ecosystem's connection string, <c>iggy://user:password@host:port</c> (TCP), as its Rust SDK and CLI take
/// it. Apache.Iggy 0.8.0 parses none, so this is ours: it yields the <c>host:port</c> the SDK wants and the
/// credentials, and refuses what the SDK could not use.
/// </summary>
public sealed record IggyConnectionString(string Host, int Port, string? Username, string? Password)
{
    private static readonly string[] TcpSchemes = ["iggy", "iggy+tcp"];

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
        parsed = null;
        error = Check(connectionString, out var uri);
        if (error is not null)
        {
            return false;
        }

        var (username, password) = SplitUserInfo(uri!.UserInfo);
        parsed = new IggyConnectionString(uri.Host, uri.Port, username, password);
        return true;
    }

    /// <summary>The connection string with the password masked, safe to log.</summary>
    public override string ToString() => Username is null
        ? $"iggy://{Address}"
        : $"iggy://{Uri.EscapeDataString(Username)}:***@{Address}";

    private static string? Check(string? connectionString, out Uri? uri)
    {
        uri = null;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return "The Iggy connection string is empty; expected iggy://user:password@host:port.";
        }

        var schemeEnd = connectionString.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            return $"The Iggy connection string '{Mask(connectionString)}' has no scheme; expected iggy://user:password@host:port.";
        }

        var scheme = connectionString[..schemeEnd];
        if (!TcpSchemes.Contains(scheme, StringComparer.OrdinalIgnoreCase))
        {
            return $"The Iggy connection string scheme '{scheme}' is not supported: only TCP (iggy:// or iggy+tcp://) is, because Apache.Iggy's consumer groups need TCP.";
        }

        var rest = connectionString[(schemeEnd + 3)..];
        var authorityEnd = rest.IndexOfAny(['/', '?', '#']);
        if (authorityEnd >= 0 && rest.LastIndexOf('@') > authorityEnd)
        {
            return $"The Iggy connection string '{Mask(connectionString)}' has a '/', '?' or '#' in its user name or password; URL-encode them (for example %2F, %3F, %23).";
        }

        var authority = authorityEnd < 0 ? rest : rest[..authorityEnd];
        if (authorityEnd >= 0 && rest[authorityEnd..] is var tail && tail != "/")
        {
            // Iggy's Rust SDK takes options such as ?tls=true or ?reconnection_retries=5 here; Apache.Iggy has no
            // equivalent for a connection string to set, so they are refused rather than silently ignored.
            var query = tail.IndexOf('?', StringComparison.Ordinal);
            return query >= 0
                ? $"The Iggy connection string '{Mask(connectionString)}' has options ('{tail[(query + 1)..]}'), which this client does not support; only iggy://user:password@host:port is."
                : $"The Iggy connection string '{Mask(connectionString)}' has a path ('{tail}'); only iggy://user:password@host:port is supported.";
        }

        var hostAndPort = authority[(authority.LastIndexOf('@') + 1)..];
        if (hostAndPort.StartsWith('['))
        {
            return $"The Iggy connection string host '{hostAndPort}' is an IPv6 address; Apache.Iggy 0.8.0 connects over IPv4 only: use an IPv4 address or a host name.";
        }

        var portSeparator = hostAndPort.LastIndexOf(':');
        if (portSeparator < 0 || portSeparator == hostAndPort.Length - 1)
        {
            return $"The Iggy connection string '{Mask(connectionString)}' has no port; the TCP port is usually 8090 (iggy://user:password@host:8090).";
        }

        var portText = hostAndPort[(portSeparator + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return $"The Iggy connection string port '{portText}' is not a number from 1 to 65535.";
        }

        if (!Uri.TryCreate(connectionString, UriKind.Absolute, out uri) || string.IsNullOrEmpty(uri.Host))
        {
            return $"The Iggy connection string '{Mask(connectionString)}' has no valid host.";
        }

        if (uri.UserInfo.Length > 0 && uri.UserInfo.IndexOf(':', StringComparison.Ordinal) is var colon
            && (colon <= 0 || colon == uri.UserInfo.Length - 1))
        {
            // A lone token before the '@' is a personal access token to Iggy's Rust SDK; Apache.Iggy logs in with a password.
            return $"The Iggy connection string '{Mask(connectionString)}' needs both a user name and a password (user:password before the '@'); personal access tokens are not supported.";
        }

        return null;
    }

    private static (string? Username, string? Password) SplitUserInfo(string userInfo)
    {
        if (userInfo.Length == 0)
        {
            return (null, null);
        }

        var separator = userInfo.IndexOf(':', StringComparison.Ordinal);
        return (Uri.UnescapeDataString(userInfo[..separator]), Uri.UnescapeDataString(userInfo[(separator + 1)..]));
    }

    // Error messages echo the input, but never its password.
    private static string Mask(string connectionString)
    {
        var schemeEnd = connectionString.IndexOf("://", StringComparison.Ordinal);
        var at = connectionString.LastIndexOf('@');
        if (schemeEnd < 0 || at < schemeEnd)
        {
            return connectionString;
        }

        var colon = connectionString.IndexOf(':', schemeEnd + 3);
        return colon < 0 || colon > at ? connectionString : string.Concat(connectionString.AsSpan(0, colon + 1), "***", connectionString.AsSpan(at));
    }
}
