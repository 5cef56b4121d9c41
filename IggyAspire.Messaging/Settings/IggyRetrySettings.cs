namespace IggyAspire.Messaging;

/// <summary>How a failed Iggy call is tried again: exponential backoff with jitter, on the host's clock (Polly).</summary>
public sealed class IggyRetrySettings
{
    /// <summary>How many times a failed call is tried again before its failure reaches the caller; 0 turns retries off.</summary>
    public int MaxRetryAttempts { get; set; } = 5;

    /// <summary>The first backoff; each further one doubles, with jitter.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(200);

    internal void Validate(List<string> failures, string section)
    {
        Settings.SettingsRules.Range(failures, $"{section}:Retry:MaxRetryAttempts", MaxRetryAttempts, 0, 100);
        Settings.SettingsRules.Duration(failures, $"{section}:Retry:Delay", Delay, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(10));
    }
}
