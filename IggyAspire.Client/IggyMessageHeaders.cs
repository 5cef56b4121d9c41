using System.Diagnostics;
using Apache.Iggy.Headers;
using IggyAspire.Messaging.Telemetry;

namespace IggyAspire.Client;

/// <summary>Moves W3C trace context between <see cref="Activity"/> and Iggy user headers.</summary>
internal static class IggyMessageHeaders
{
    // Iggy keys and values are length-prefixed UTF-8 of at most 255 bytes; longer trace state is dropped, not sent broken.
    private const int MaxHeaderLength = 255;

    // Header keys are immutable; building them once saves two allocations per message.
    private static readonly Dictionary<string, HeaderKey> KnownKeys = new(StringComparer.Ordinal)
    {
        ["traceparent"] = HeaderKey.FromString("traceparent"),
        ["tracestate"] = HeaderKey.FromString("tracestate"),
    };

    private static readonly IReadOnlyDictionary<string, string> EmptyHeaders = new Dictionary<string, string>();

    /// <summary>The user headers of an outgoing message: the current span's context, or none outside a span.</summary>
    public static Dictionary<HeaderKey, HeaderValue>? FromCurrentActivity()
    {
        if (Activity.Current is not { } activity)
        {
            return null;
        }

        var headers = new Dictionary<HeaderKey, HeaderValue>(capacity: 2);
        TraceContextPropagation.Inject(activity, headers, static (carrier, name, value) =>
        {
            if (value.Length is > 0 and <= MaxHeaderLength)
            {
                ((Dictionary<HeaderKey, HeaderValue>)carrier!)[KnownKeys.TryGetValue(name, out var key) ? key : HeaderKey.FromString(name)] =
                    HeaderValue.FromString(value);
            }
        });
        return headers;
    }

    // Every traced message carries the same key: read it as the one string instead of decoding a new one each time.
    private static string NameOf(HeaderKey key) =>
        key.Value.AsSpan().SequenceEqual("traceparent"u8) ? TraceContextPropagation.TraceParentHeader
        : key.Value.AsSpan().SequenceEqual("tracestate"u8) ? TraceContextPropagation.TraceStateHeader
        : key.ToString();

    /// <summary>A message's own string headers with the trace context (which wins) added.</summary>
    public static Dictionary<HeaderKey, HeaderValue> Merge(IReadOnlyDictionary<string, string> own, Dictionary<HeaderKey, HeaderValue>? traceContext)
    {
        var headers = new Dictionary<HeaderKey, HeaderValue>(own.Count + (traceContext?.Count ?? 0));
        foreach (var (name, value) in own)
        {
            headers[KnownKeys.TryGetValue(name, out var key) ? key : HeaderKey.FromString(name)] = HeaderValue.FromString(value);
        }

        foreach (var (key, value) in traceContext ?? [])
        {
            headers[key] = value;
        }

        return headers;
    }

    /// <summary>The string-valued user headers of a received message, by name.</summary>
    public static IReadOnlyDictionary<string, string> ToStrings(Dictionary<HeaderKey, HeaderValue>? headers)
    {
        if (headers is null || headers.Count == 0)
        {
            return EmptyHeaders;
        }

        var strings = new Dictionary<string, string>(headers.Count, StringComparer.Ordinal);
        foreach (var (key, value) in headers)
        {
            if (key.Kind == HeaderKind.String && value.Kind == HeaderKind.String)
            {
                strings[NameOf(key)] = value.ToString();
            }
        }

        return strings;
    }
}
