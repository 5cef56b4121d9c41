using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using IggyAspire.TestServer.Http;
using Microsoft.Extensions.DependencyInjection;

namespace IggyAspire.Hosting.Tests;

/// <summary>The whole table the <c>Server stats</c> command shows for server 0.8.0's <c>GET /stats</c>.</summary>
public sealed class IggyServerStatsTests
{
    [Fact]
    public async Task Every_row_of_the_summary_in_order()
    {
        await using var server = await IggyTestServers.StartWithStatsAsync();

        var table = await StatsAsync(server);

        Assert.Equal(
            [
                "| | |",
                "|---|---|",
                "| Server version | 0.8.0 |",
                "| Host | iggy-host |",
                "| OS | Linux |",
                "| OS version | Debian 12 |",
                "| Started | 2026-01-01 00:00:00Z |",
                "| Up for | 0.01:02:03 |",
                "| Streams | 1 |",
                "| Topics | 1 |",
                "| Partitions | 3 |",
                "| Segments | 3 |",
                "| Consumer groups | 1 |",
                "| Connected clients | 2 |",
                "| Messages | 42 |",
                "| Messages size | 4.2 KB |",
                "| Read | 1.2 KB |",
                "| Written | 3.4 KB |",
                "| Process memory | 52.4 MB |",
                "| Process CPU | 1.5 % |",
                "| System CPU | 12.5 % |",
                "| Threads | 9 |",
                "| Free disk | 100 GB |",
                "| Total disk | 200 GB |",
            ],
            table);
    }

    [Fact]
    public async Task Missing_and_null_fields_are_left_out_plain_numbers_are_bytes_and_pipes_are_escaped()
    {
        // Not an answer 0.8.0 gives (it writes every field, sizes as text): scripted, to check the summary copes.
        await using var server = await IggyTestServers.StartAsync();
        server.Faults.Push(IggyHttpRoutes.Stats, IggyHttpFault.Answer(200, """{"hostname":"rack|7","os_name":null,"memory_usage":1048576,"cpu_usage":0.44}""", "application/json"));

        var table = await StatsAsync(server);

        Assert.Equal(
            [
                "| | |",
                "|---|---|",
                "| Host | rack\\|7 |",
                "| Process memory | 1048576 B |",
                "| Process CPU | 0.4 % |",
            ],
            table);
    }

    private static async Task<string[]> StatsAsync(IggyHttpServer server)
    {
        using var topology = IggyTopologyApp.Create(server);
        var result = await topology.App.Services.GetRequiredService<ResourceCommandService>()
            .ExecuteCommandAsync(topology.Iggy, "iggy-server-stats", new InteractionInputCollection([]), TestContext.Current.CancellationToken);
        Assert.True(result.Success, result.Message);
        return Assert.IsType<CommandResultData>(result.Data).Value.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.TrimEnd('\r')).ToArray();
    }
}
