using System.Text.Json;
using Aspire.Hosting.Iggy;

namespace IggyAspire.Hosting.Tests;

public sealed class IggyStatsSummaryTextValueTests
{
    // Server 0.8.0 sends these as numbers; a server that sends text (another version, a proxy) still gets a table.
    [Theory]
    [InlineData("cpu_usage")]
    [InlineData("total_cpu_usage")]
    [InlineData("run_time")]
    [InlineData("start_time")]
    public void A_field_sent_as_text_is_shown_as_sent(string field)
    {
        using var stats = JsonDocument.Parse($$"""{ "{{field}}": "as text" }""");

        var table = IggyStatsSummary.ToMarkdown(stats.RootElement);

        Assert.Contains("| as text |", table, StringComparison.Ordinal);
    }
}
