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

        var authority = connectionString[(schemeEnd + 3)..].Split('/', '?', '#')[0];
        var hostAndPort = authority[(authority.LastIndexOf('@') + 1)..];
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

        if (!Uri.TryCreate(connectionString, UriKind.Absolute, out uri))
        {
            return $"The Iggy connection string '{Mask(connectionString)}' is not a valid URI.";
        }

        if (uri.HostNameType == UriHostNameType.IPv6)
        {
            return $"The Iggy connection string host '{uri.Host}' is an IPv6 address; Apache.Iggy 0.8.0 connects over IPv4 only: use an IPv4 address or a host name.";
        }

        if (string.IsNullOrEmpty(uri.Host))
        {
            return $"The Iggy connection string '{Mask(connectionString)}' has no host.";
        }

        if (uri.AbsolutePath is not ("/" or "") || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            return $"The Iggy connection string '{Mask(connectionString)}' has a path, query or fragment; only iggy://user:password@host:port is supported.";
        }

        if (uri.UserInfo.Length > 0 && !uri.UserInfo.Contains(':', StringComparison.Ordinal))
        {
            return $"The Iggy connection string '{Mask(connectionString)}' names a user but no password; expected user:password before the '@'.";
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
