namespace Aspire.Hosting.Iggy;

/// <summary>The rules an Iggy stream, topic or consumer-group name must follow to reach server 0.8.0 intact.</summary>
internal static class IggyNames
{
    /// <summary>MAX_NAME_LENGTH (core/common/src/lib.rs:138), which every create command validates in bytes.</summary>
    public const int MaxLength = 255;

    /// <summary>MAX_PARTITIONS_COUNT (core/common/src/lib.rs:139); a topic without partitions could hold nothing.</summary>
    public const int MaxPartitions = 1000;

    /// <summary>
    /// Refuses a name that is empty, longer than 255 characters, not ASCII, or all digits. ASCII: Apache.Iggy 0.8.0 writes
    /// a name's character count as its byte length, so anything else corrupts the frame. All digits: every 0.8.0 HTTP
    /// route reads a path segment that parses as a u32 as a numeric id, not a name
    /// (Identifier::from_str_value, core/common/src/types/identifier/mod.rs:144-154), so such an entity could be created
    /// but never found again by its name.
    /// </summary>
    public static string ThrowIfInvalid(string name, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(name, parameterName);

        if (name.Length is 0 or > MaxLength || !name.All(char.IsAscii) || string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException($"An Iggy name must be 1 to {MaxLength} ASCII characters, not blank (was '{name}').", parameterName);
        }

        if (uint.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            throw new ArgumentException($"An Iggy name must not be a number: the HTTP API would read '{name}' as a numeric id.", parameterName);
        }

        return name;
    }

    public static void ThrowIfInvalidPartitions(int partitions, string parameterName)
    {
        if (partitions is < 1 or > MaxPartitions)
        {
            throw new ArgumentOutOfRangeException(parameterName, partitions, $"A topic needs 1 to {MaxPartitions} partitions.");
        }
    }
}
