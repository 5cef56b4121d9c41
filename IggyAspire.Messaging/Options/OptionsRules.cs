namespace IggyAspire.Messaging.Options;

/// <summary>Checks shared by the options validators; each failure names the full configuration key.</summary>
internal static class OptionsRules
{
    // Iggy stores stream, topic and group names as length-prefixed strings of at most 255 bytes.
    private const int MaxNameLength = 255;

    public static void Name(List<string> failures, string key, string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxNameLength || value.Any(char.IsWhiteSpace))
        {
            failures.Add($"{key} must be 1 to {MaxNameLength} characters without spaces (was '{value}').");
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
