namespace IggyAspire.Messaging.Connection;

/// <summary>
/// Reads a duration the way Iggy's Rust SDK reads one in a connection string: <c>IggyDuration::from_str</c>
/// (core/common/src/utils/duration.rs) lower-cases the text, takes <c>0</c>, <c>unlimited</c>, <c>disabled</c> and
/// <c>none</c> as zero, and hands the rest to humantime 2.3's <c>parse_duration</c> (src/duration.rs), whose grammar
/// this follows: numbers, optionally with a fraction, each followed by a unit, such as <c>1h 30m</c>, <c>1.5s</c> or
/// <c>250ms</c>.
/// </summary>
internal static class IggyDuration
{
    private const ulong NanosPerSecond = 1_000_000_000;

    /// <summary>Reads <paramref name="text"/>; false when Rust would refuse it or it is too long for a <see cref="TimeSpan"/>.</summary>
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var lowered = text.ToLowerInvariant();
        if (lowered is "0" or "unlimited" or "disabled" or "none")
        {
            return true;
        }

        if (!new Reader(lowered).TryRead(out var seconds, out var nanos) || seconds > (ulong)TimeSpan.MaxValue.TotalSeconds - 1)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(seconds) + TimeSpan.FromTicks((long)(nanos / 100));
        return true;
    }

    // humantime's Parser: a number (digits, whitespace between them allowed, an optional '.' fraction), then a unit of
    // letters, then either whitespace or straight the next number.
    private ref struct Reader(string text)
    {
        private readonly string _text = text;
        private int _position;
        private ulong _seconds;
        private ulong _nanos;

        public bool TryRead(out ulong seconds, out ulong nanos)
        {
            seconds = nanos = 0;
            if (!TryFirstDigit(out var number) || number is not { } integer)
            {
                return false;
            }

            while (true)
            {
                (ulong Numerator, ulong Denominator)? fraction = null;
                while (_position < _text.Length && !IsUnitLetter(_text[_position]))
                {
                    var c = _text[_position];
                    if (char.IsAsciiDigit(c))
                    {
                        if (!TryMultiplyAdd(integer, 10, (ulong)(c - '0'), out integer))
                        {
                            return false;
                        }
                    }
                    else if (c == '.')
                    {
                        _position++;
                        if (!TryReadFraction(out var read))
                        {
                            return false;
                        }

                        fraction = read;
                        break;
                    }
                    else if (!char.IsWhiteSpace(c))
                    {
                        return false;
                    }

                    _position++;
                }

                var unitStart = _position;
                while (_position < _text.Length && IsUnitLetter(_text[_position]))
                {
                    _position++;
                }

                if (!TryAdd(_text[unitStart.._position], integer, fraction))
                {
                    return false;
                }

                if (_position < _text.Length && char.IsAsciiDigit(_text[_position]))
                {
                    integer = (ulong)(_text[_position++] - '0');
                    continue;
                }

                if (_position < _text.Length && !char.IsWhiteSpace(_text[_position]))
                {
                    return false;
                }

                if (!TryFirstDigit(out number))
                {
                    return false;
                }

                if (number is not { } next)
                {
                    (seconds, nanos) = (_seconds, _nanos);
                    return true;
                }

                integer = next;
            }
        }

        // Skips whitespace to a digit: false on anything else, a null digit at the end of the text.
        private bool TryFirstDigit(out ulong? digit)
        {
            digit = null;
            while (_position < _text.Length)
            {
                var c = _text[_position++];
                if (char.IsAsciiDigit(c))
                {
                    digit = (ulong)(c - '0');
                    return true;
                }

                if (!char.IsWhiteSpace(c))
                {
                    return false;
                }
            }

            return true;
        }

        private bool TryReadFraction(out (ulong Numerator, ulong Denominator) fraction)
        {
            ulong numerator = 0, denominator = 1;
            fraction = default;
            for (; _position < _text.Length && !IsUnitLetter(_text[_position]); _position++)
            {
                var c = _text[_position];
                if (char.IsAsciiDigit(c))
                {
                    if (!TryMultiplyAdd(denominator, 10, 0, out denominator)
                        || !TryMultiplyAdd(numerator, 10, (ulong)(c - '0'), out numerator))
                    {
                        return false;
                    }
                }
                else if (!char.IsWhiteSpace(c))
                {
                    return false;
                }
            }

            fraction = (numerator, denominator);
            return denominator > 1;
        }

        // humantime's parse_unit: the whole units, then the fraction, which it refuses unless exact (below a nanosecond,
        // or in whole seconds for units from an hour up).
        private bool TryAdd(string unit, ulong integer, (ulong Numerator, ulong Denominator)? fraction)
        {
            if (UnitLength(unit) is not var (secondsPerUnit, nanosPerUnit)
                || !TryMultiplyAdd(integer, secondsPerUnit, 0, out var seconds)
                || !TryMultiplyAdd(integer, nanosPerUnit, 0, out var nanos)
                || !TryAccumulate(seconds, nanos))
            {
                return false;
            }

            if (fraction is not var (numerator, denominator))
            {
                return true;
            }

            var inNanos = secondsPerUnit < 3_600;
            var scale = inNanos ? secondsPerUnit * NanosPerSecond + nanosPerUnit : secondsPerUnit;
            if (nanosPerUnit == 1 || !TryMultiplyAdd(numerator, scale, 0, out var scaled) || scaled % denominator != 0)
            {
                return false;
            }

            return inNanos ? TryAccumulate(0, scaled / denominator) : TryAccumulate(scaled / denominator, 0);
        }

        // humantime's add_current: whole seconds carry out of the nanoseconds; an overflow is an error.
        private bool TryAccumulate(ulong seconds, ulong nanos)
        {
            if (!TryMultiplyAdd(1, _nanos, nanos, out var totalNanos)
                || !TryMultiplyAdd(1, _seconds, seconds, out var totalSeconds)
                || !TryMultiplyAdd(1, totalSeconds, totalNanos / NanosPerSecond, out totalSeconds))
            {
                return false;
            }

            (_seconds, _nanos) = (totalSeconds, totalNanos % NanosPerSecond);
            return true;
        }

        // humantime's Unit::from_str, in seconds and nanoseconds per unit. "M" (months) never matches: Iggy lower-cases first.
        private static (ulong Seconds, ulong Nanos)? UnitLength(string unit) => unit switch
        {
            "nanos" or "nsec" or "ns" => (0, 1),
            "usec" or "us" or "µs" => (0, 1_000),
            "millis" or "msec" or "ms" => (0, 1_000_000),
            "seconds" or "second" or "secs" or "sec" or "s" => (1, 0),
            "minutes" or "minute" or "min" or "mins" or "m" => (60, 0),
            "hours" or "hour" or "hr" or "hrs" or "h" => (3_600, 0),
            "days" or "day" or "d" => (86_400, 0),
            "weeks" or "week" or "wk" or "wks" or "w" => (604_800, 0),
            "months" or "month" => (2_630_016, 0),
            "years" or "year" or "yr" or "yrs" or "y" => (31_557_600, 0),
            _ => null,
        };

        private static bool IsUnitLetter(char c) => char.IsAsciiLetter(c) || c == 'µ';

        private static bool TryMultiplyAdd(ulong value, ulong factor, ulong addend, out ulong result)
        {
            var wide = (UInt128)value * factor + addend;
            result = (ulong)wide;
            return wide <= ulong.MaxValue;
        }
    }
}
