using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace IggyAspire.Messaging.Connection;

/// <summary>
/// The options after the <c>?</c> of an Iggy TCP connection string, such as <c>?tls=true&amp;reconnection_retries=5</c>,
/// read as Iggy's Rust SDK reads them (core/common/src/types/configuration/tcp_config/tcp_connection_string_options.rs):
/// the same names and values, verbatim (not URL-decoded), the last of a repeated option winning, and an unknown option,
/// a part that is not <c>name=value</c> or a value that does not parse refused. A null property is an option not given.
/// </summary>
public sealed record IggyTcpOptions
{
    /// <summary><c>tls</c>: on only for the exact text <c>true</c>, off for any other value, as in Rust.</summary>
    public bool Tls { get; init; }

    /// <summary><c>tls_domain</c>: the name the server's certificate must carry; empty means the server's host.</summary>
    public string TlsDomain { get; init; } = string.Empty;

    /// <summary><c>tls_ca_file</c>: the PEM file of the certificate authority to trust.</summary>
    public string? TlsCaFile { get; init; }

    /// <summary><c>reconnection_retries</c>: how often to retry a connection; null (or <c>unlimited</c>, the default) for no limit.</summary>
    public uint? ReconnectionRetries { get; init; }

    /// <summary><c>reconnection_interval</c>: the wait between connection attempts (Rust's default: 1s).</summary>
    public TimeSpan? ReconnectionInterval { get; init; }

    /// <summary><c>reestablish_after</c>: the least time between a connection and the next (Rust's default: 5s).</summary>
    public TimeSpan? ReestablishAfter { get; init; }

    /// <summary><c>heartbeat_interval</c>: how often the client pings the server (Rust's default: 5s).</summary>
    public TimeSpan? HeartbeatInterval { get; init; }

    /// <summary><c>nodelay</c>: TCP_NODELAY, on only for the exact text <c>true</c>.</summary>
    public bool NoDelay { get; init; }

    /// <summary>Reads the text after the <c>?</c>, or says in <paramref name="error"/> which option is wrong and why.</summary>
    /// <remarks>The error quotes option names and values: unlike the credentials, they hold no secret.</remarks>
    internal static bool TryParse(string text, [NotNullWhen(true)] out IggyTcpOptions? options, [NotNullWhen(false)] out string? error)
    {
        var read = new IggyTcpOptions();
        foreach (var option in text.Split('&'))
        {
            var parts = option.Split('=');
            if (parts.Length != 2)
            {
                error = option.Length == 0
                    ? "The Iggy connection string has an empty option (a '?' or '&' with nothing after it)."
                    : $"The Iggy connection string's option '{option}' is not of the form name=value.";
                options = null;
                return false;
            }

            error = Apply(ref read, parts[0], parts[1]);
            if (error is not null)
            {
                options = null;
                return false;
            }
        }

        options = read;
        error = null;
        return true;
    }

    // The option's value set on options, or what is wrong with it.
    private static string? Apply(ref IggyTcpOptions options, string name, string value)
    {
        switch (name)
        {
            case "tls":
                options = options with { Tls = value == "true" };
                return null;
            case "tls_domain":
                options = options with { TlsDomain = value };
                return null;
            case "tls_ca_file":
                options = options with { TlsCaFile = value };
                return null;
            case "nodelay":
                options = options with { NoDelay = value == "true" };
                return null;
            case "reconnection_retries" when value == "unlimited":
                options = options with { ReconnectionRetries = null };
                return null;
            case "reconnection_retries" when uint.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var retries) && !value.StartsWith('-'):
                options = options with { ReconnectionRetries = retries };
                return null;
            case "reconnection_retries":
                return $"The Iggy connection string's option reconnection_retries='{value}' is not a number from 0 to {uint.MaxValue} or 'unlimited'.";
            case "reconnection_interval" or "reestablish_after" or "heartbeat_interval":
                if (!IggyDuration.TryParse(value, out var duration))
                {
                    return $"The Iggy connection string's option {name}='{value}' is not a duration such as 5s, 500ms or 1m 30s (or 0, none, disabled or unlimited for zero).";
                }

                options = name switch
                {
                    "reconnection_interval" => options with { ReconnectionInterval = duration },
                    "reestablish_after" => options with { ReestablishAfter = duration },
                    _ => options with { HeartbeatInterval = duration },
                };
                return null;
            default:
                return $"The Iggy connection string's option '{name}' is unknown; Iggy's TCP options are tls, tls_domain, tls_ca_file, reconnection_retries, reconnection_interval, reestablish_after, heartbeat_interval and nodelay.";
        }
    }
}
