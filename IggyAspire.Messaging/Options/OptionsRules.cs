namespace IggyAspire.Messaging.Options;

/// <summary>Checks shared by the options validators; each failure names the full configuration key.</summary>
internal static class OptionsRules
{
    // Iggy 0.8.0 refuses an empty name or one longer than 255 bytes (its length travels as one byte). Apache.Iggy
    // 0.8.0 writes a name's character count where that byte length belongs (TcpContracts: `(byte)name.Length`), so
    // only ASCII names, one byte per character, reach the server intact.
    private const int MaxNameLength = 255;

    public static void Name(List<string> failures, string key, string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxNameLength || !value.All(char.IsAscii))
        {
            failures.Add($"{key} must be a name of 1 to {MaxNameLength} ASCII characters, not blank (was '{value}').");
        }
    }

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
}
