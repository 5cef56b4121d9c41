using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Aspire.Hosting.Iggy;

/// <summary>
/// Turns server 0.8.0's <c>GET /stats</c> answer (Stats, core/common/src/types/stats/mod.rs:24-83) into a short
/// Markdown table for the dashboard. Sizes are IggyByteSize, which byte-unit 5 writes into JSON as a text such as
/// <c>"12.3 MB"</c> (human-readable serializers get a string); a plain number is shown as bytes. Times are
/// microseconds (IggyDuration, IggyTimestamp: core/common/src/utils/duration.rs:195-202, timestamp.rs:152-160).
/// </summary>
internal static class IggyStatsSummary
{
    public static string ToMarkdown(JsonElement stats)
    {
        var text = new StringBuilder();
        text.AppendLine("| | |").AppendLine("|---|---|");
        Row(text, "Server version", stats, "iggy_server_version", Plain);
        Row(text, "Host", stats, "hostname", Plain);
        Row(text, "OS", stats, "os_name", Plain);
        Row(text, "OS version", stats, "os_version", Plain);
        Row(text, "Started", stats, "start_time", Timestamp);
        Row(text, "Up for", stats, "run_time", Duration);
        Row(text, "Streams", stats, "streams_count", Plain);
        Row(text, "Topics", stats, "topics_count", Plain);
        Row(text, "Partitions", stats, "partitions_count", Plain);
        Row(text, "Segments", stats, "segments_count", Plain);
        Row(text, "Consumer groups", stats, "consumer_groups_count", Plain);
        Row(text, "Connected clients", stats, "clients_count", Plain);
        Row(text, "Messages", stats, "messages_count", Plain);
        Row(text, "Messages size", stats, "messages_size_bytes", Size);
        Row(text, "Read", stats, "read_bytes", Size);
        Row(text, "Written", stats, "written_bytes", Size);
        Row(text, "Process memory", stats, "memory_usage", Size);
        Row(text, "Process CPU", stats, "cpu_usage", Percent);
        Row(text, "System CPU", stats, "total_cpu_usage", Percent);
        Row(text, "Threads", stats, "threads_count", Plain);
        Row(text, "Free disk", stats, "free_disk_space", Size);
        Row(text, "Total disk", stats, "total_disk_space", Size);
        return text.ToString();
    }

    private static void Row(StringBuilder text, string label, JsonElement stats, string field, Func<JsonElement, string> format)
    {
        if (stats.ValueKind == JsonValueKind.Object && stats.TryGetProperty(field, out var value) && value.ValueKind is not JsonValueKind.Null)
        {
            text.Append("| ").Append(label).Append(" | ").Append(format(value).Replace("|", "\\|", StringComparison.Ordinal)).AppendLine(" |");
        }
    }

    private static string Plain(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : value.GetRawText();

    private static string Size(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number ? string.Create(CultureInfo.InvariantCulture, $"{value.GetRawText()} B") : Plain(value);

    // JsonElement's TryGet* throw, rather than answer false, for an element that is not a number: check the kind first.
    private static string Percent(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var percent) ? string.Create(CultureInfo.InvariantCulture, $"{percent:0.#} %") : Plain(value);

    private static string Duration(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out var micros)
            ? TimeSpan.FromMicroseconds(micros).ToString(@"d\.hh\:mm\:ss", CultureInfo.InvariantCulture)
            : Plain(value);

    private static string Timestamp(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var micros)
            ? DateTimeOffset.UnixEpoch.AddTicks(micros * TimeSpan.TicksPerMicrosecond).ToString("u", CultureInfo.InvariantCulture)
            : Plain(value);
}
