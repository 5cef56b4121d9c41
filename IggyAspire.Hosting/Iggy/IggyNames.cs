namespace Aspire.Hosting.Iggy;

/// <summary>The rules an Iggy stream, topic or consumer-group name must follow to reach server 0.8.0 intact.</summary>
internal static class IggyNames
{
    /// <summary>MAX_NAME_LENGTH (core/common/src/lib.rs:138), which every create command validates in bytes.</summary>
    public const int MaxLength = 255;

    /// <summary>MAX_PARTITIONS_COUNT (core/common/src/lib.rs:139); a topic without partitions could hold nothing.</summary>
    public const int MaxPartitions = 1000;

    /// <summary>The smallest maximum topic size server 0.8.0 takes: its segment size, <c>[system.segment] size = "1 GiB"</c> (config.toml).</summary>
    public const long SegmentSize = 1L << 30;

    /// <summary>
    /// Refuses a name that is empty, longer than 255 characters, not ASCII, a number, or a dot segment. ASCII:
    /// Apache.Iggy 0.8.0 writes a name's character count as its byte length, so anything else corrupts the frame. A
    /// number: every 0.8.0 HTTP route reads a path segment that Rust's <c>u32</c> parse takes as a numeric id, not a
    /// name (Identifier::from_str_value, core/common/src/types/identifier/mod.rs:144-154), so such an entity could be
    /// created but never found again by its name. <c>"."</c> and <c>".."</c>: System.Uri removes them from a path
    /// (RFC 3986 5.2.4), so the request would reach another route.
    /// </summary>
    public static string ThrowIfInvalid(string name, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(name, parameterName);

        if (name.Length is 0 or > MaxLength || !name.All(char.IsAscii) || string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException($"An Iggy name must be 1 to {MaxLength} ASCII characters, not blank (was '{name}').", parameterName);
        }

        if (ParsesAsRustU32(name))
        {
            throw new ArgumentException($"An Iggy name must not be a number: the HTTP API would read '{name}' as a numeric id.", parameterName);
        }

        if (name is "." or "..")
        {
            throw new ArgumentException($"An Iggy name must not be '{name}': a URI drops it from the path, so the HTTP API would get another route.", parameterName);
        }

        return name;
    }

    /// <summary>
    /// Whether Rust's <c>str::parse::&lt;u32&gt;()</c> succeeds: ASCII digits after at most one leading <c>+</c>, and a
    /// value that fits (core::num::from_str_radix: no whitespace, no <c>-</c> for an unsigned type, overflow fails).
    /// </summary>
    private static bool ParsesAsRustU32(string name)
    {
        var digits = name.StartsWith('+') ? name[1..] : name;
        return digits.Length > 0
            && uint.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _);
    }

    public static void ThrowIfInvalidPartitions(int partitions, string parameterName)
    {
        if (partitions is < 1 or > MaxPartitions)
        {
            throw new ArgumentOutOfRangeException(parameterName, partitions, $"A topic needs 1 to {MaxPartitions} partitions.");
        }
    }
}
