using System.Globalization;

namespace IggyAspire.TestServer.Http;

/// <summary>How 0.8.0 writes an IggyByteSize (common/src/utils/byte_size.rs) as text.</summary>
internal static class IggyByteSizeText
{
    private static readonly (string Name, ulong Bytes)[] Units =
    [
        ("B", 1), ("KB", 1_000), ("KiB", 1UL << 10), ("MB", 1_000_000), ("MiB", 1UL << 20), ("GB", 1_000_000_000), ("GiB", 1UL << 30),
        ("TB", 1_000_000_000_000), ("TiB", 1UL << 40), ("PB", 1_000_000_000_000_000), ("PiB", 1UL << 50), ("EB", 1_000_000_000_000_000_000), ("EiB", 1UL << 60),
    ];

    private static readonly (string Name, ulong Bytes)[] DecimalUnits = [.. Units.Where(unit => !unit.Name.Contains('i', StringComparison.Ordinal))];

    /// <summary>
    /// In JSON: byte_size.rs:56 derives Serialize on the byte-unit 5 <c>Byte</c>, which a human-readable serializer
    /// gets as <c>format!("{self:#}")</c>: the largest unit, decimal or binary, in which the size has at most 3 decimals,
    /// trailing zeros dropped (byte-unit's get_recoverable_unit(false, 3) then normalize): <c>"0 B"</c>, <c>"4.2 KB"</c>,
    /// <c>"3136.5 KiB"</c>, <c>"1 GiB"</c>.
    /// </summary>
    public static string Exact(ulong bytes)
    {
        for (var i = Units.Length - 1; i >= 0; i--)
        {
            var (name, unit) = Units[i];
            if (bytes >= unit && (UInt128)bytes * 1000 % unit == 0)
            {
                var value = (decimal)bytes / unit;
                return string.Create(CultureInfo.InvariantCulture, $"{value:0.###} {name}");
            }
        }

        return "0 B";
    }

    /// <summary>
    /// In a message: byte_size.rs:127-129 <c>as_human_string</c>, the largest decimal unit the size reaches, two
    /// decimals (<c>"1.07 GB"</c>); plain bytes have none (<c>"0 B"</c>, byte_size.rs:47).
    /// </summary>
    public static string Human(ulong bytes)
    {
        var (name, unit) = DecimalUnits.Last(candidate => bytes >= candidate.Bytes || candidate.Bytes == 1);
        return unit == 1
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{(decimal)bytes / unit:0.00} {name}");
    }
}
