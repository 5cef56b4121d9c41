namespace IggyAspire.Messaging.Connection;

/// <summary>Settings of the Iggy client integration, bound from <see cref="DefaultConfigSectionName"/>.</summary>
public sealed class IggyClientSettings
{
    /// <summary>The configuration section the settings are read from.</summary>
    public const string DefaultConfigSectionName = "Aspire:Apache:Iggy";

    /// <summary>
    /// <c>iggy://user:password@host:port</c>, optionally with Iggy's TCP options after a <c>?</c> (see
    /// <see cref="IggyConnectionString"/>); <c>ConnectionStrings:{name}</c> fills it when present.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>The user to log in as; wins over the connection string's.</summary>
    public string? Username { get; set; }

    /// <summary>The password to log in with; wins over the connection string's.</summary>
    public string? Password { get; set; }

    /// <summary>Leaves out the health check that pings the server.</summary>
    public bool DisableHealthChecks { get; set; }

    /// <summary>Leaves out the send, receive and process spans.</summary>
    public bool DisableTracing { get; set; }

    /// <summary>Leaves out the messaging metrics.</summary>
    public bool DisableMetrics { get; set; }

    /// <summary>How long the first connection and login may take before the worker fails to start.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The parsed <see cref="ConnectionString"/>, or null when there is none.</summary>
    /// <exception cref="FormatException">The connection string is malformed; the message names where it came from.</exception>
    public IggyConnectionString? ParseConnectionString(string connectionName)
    {
        if (ConnectionString is null)
        {
            return null;
        }

        return IggyConnectionString.TryParse(ConnectionString, out var parsed, out var error)
            ? parsed
            : throw new FormatException($"ConnectionStrings:{connectionName} (or {DefaultConfigSectionName}:ConnectionString): {error}");
    }

    /// <summary>The user name and password to log in with: these settings first, then the connection string.</summary>
    /// <exception cref="InvalidOperationException">Either is missing; the message names the keys that can give it.</exception>
    public (string Username, string Password) ResolveCredentials(string connectionName, IggyConnectionString? connectionString)
    {
        var username = Username ?? connectionString?.Username;
        var password = Password ?? connectionString?.Password;
        if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password))
        {
            throw new InvalidOperationException(
                $"No Iggy credentials for '{connectionName}': put them in ConnectionStrings:{connectionName} (iggy://user:password@host:port) or set {DefaultConfigSectionName}:Username and {DefaultConfigSectionName}:Password.");
        }

        return (username, password);
    }

    /// <summary>Fails when a setting cannot work, naming its key.</summary>
    /// <exception cref="InvalidOperationException">A setting is out of range.</exception>
    public void Validate()
    {
        if (ConnectTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{DefaultConfigSectionName}:ConnectTimeout must be positive (was {ConnectTimeout}).");
        }
    }
}
