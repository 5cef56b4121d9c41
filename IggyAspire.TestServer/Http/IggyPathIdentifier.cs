using System.Text;
using IggyAspire.TestServer.Model;

namespace IggyAspire.TestServer.Http;

/// <summary>
/// A stream, topic or group named in a path: <c>Identifier::from_str_value</c> (common/src/types/identifier/mod.rs:144-154),
/// which every handler calls on its path segments before anything else it checks.
/// </summary>
internal static class IggyPathIdentifier
{
    /// <summary>
    /// 0 or more than 255 bytes is 6 InvalidIdentifier; a value Rust's <c>str::parse::&lt;u32&gt;</c> takes is a numeric
    /// id: ASCII digits with at most one leading <c>+</c>, up to 4294967295, leading zeros allowed (so <c>"007"</c> and
    /// <c>"+5"</c> are ids 7 and 5, and a stream named <c>"2024"</c> cannot be reached by its name); anything else is a name.
    /// </summary>
    public static IggyId Parse(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        if (length == 0 || length > 255)
        {
            throw IggyHttpErrors.InvalidIdentifier();
        }

        return TryParseU32(value) is { } number ? IggyId.Numeric(number) : IggyId.Named(value);
    }

    /// <summary>Rust's <c>u32::from_str</c>: an optional <c>+</c>, then one or more ASCII digits, no overflow.</summary>
    public static uint? TryParseU32(string value)
    {
        var digits = value.StartsWith('+') ? value.AsSpan(1) : value.AsSpan();
        if (digits.IsEmpty)
        {
            return null;
        }

        ulong number = 0;
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return null;
            }

            number = (number * 10) + (ulong)(c - '0');
            if (number > uint.MaxValue)
            {
                return null;
            }
        }

        return (uint)number;
    }
}
