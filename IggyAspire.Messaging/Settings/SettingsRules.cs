namespace IggyAspire.Messaging.Settings;

/// <summary>Checks shared by the settings' validation; each failure names the full configuration key.</summary>
internal static class SettingsRules
{
    // Iggy 0.8.0 refuses an empty name or one longer than 255 bytes (its length travels as one byte). Apache.Iggy
    // 0.8.0 writes a name's character count where that byte length belongs (TcpContracts: `(byte)name.Length`), so
    // only ASCII names, one byte per character, reach the server intact.
    private const int MaxNameLength = 255;

    // Iggy 0.8.0 refuses topics with more partitions than this.
    private const uint MaxPartitions = 1000;

    public static void Name(List<string> failures, string key, string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxNameLength || !value.All(char.IsAscii))
        {
            failures.Add(value is null
                ? $"{key} is missing: set it, or reference the Iggy topic or consumer group from the AppHost."
                : $"{key} must be a name of 1 to {MaxNameLength} ASCII characters, not blank (was '{value}').");
        }
    }

    public static void Partitions(List<string> failures, string key, uint value) => Range(failures, key, value, 1, MaxPartitions);

    public static void Range(List<string> failures, string key, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{key} must be between {min} and {max} (was {value}).");
        }
    }

    public static void Duration(List<string> failures, string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{key} must be between {min} and {max} (was {value}).");
        }
    }

    /// <exception cref="InvalidOperationException">There are failures; the message lists them all.</exception>
    public static void ThrowIfAny(List<string> failures)
    {
        if (failures.Count > 0)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, failures));
        }
    }
}
