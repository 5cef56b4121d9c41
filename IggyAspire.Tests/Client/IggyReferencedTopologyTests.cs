using IggyAspire.Messaging.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace IggyAspire.Tests.Client;

public sealed class IggyReferencedTopologyTests
{
    [Fact]
    public void The_names_a_topology_reference_brings_win_over_the_configured_topology()
    {
        using var host = Build("iggy", new()
        {
            ["Iggy:Topology:Stream"] = "configured-stream",
            ["Iggy:Topology:Topic"] = "configured-topic",
            ["Iggy:Topology:ConsumerGroup"] = "configured-group",
            ["Iggy:Topology:Partitions"] = "4",
            ["IGGY_STREAM"] = "declared-stream",
            ["IGGY_TOPIC"] = "declared-topic",
            ["IGGY_CONSUMERGROUP"] = "declared-group",
        });

        var topology = host.Services.GetRequiredService<IOptions<TopologyOptions>>().Value;

        Assert.Equal(("declared-stream", "declared-topic", "declared-group", 4u), (topology.Stream, topology.Topic, topology.ConsumerGroup, topology.Partitions));
    }

    [Fact]
    public void Without_a_reference_the_configured_topology_stays()
    {
        using var host = Build("iggy", new() { ["Iggy:Topology:Stream"] = "configured-stream", ["OTHER_STREAM"] = "someone-elses" });

        Assert.Equal("configured-stream", host.Services.GetRequiredService<IOptions<TopologyOptions>>().Value.Stream);
    }

    [Fact]
    public void A_connection_name_with_a_hyphen_reads_the_variables_Aspire_writes_for_it()
    {
        using var host = Build("iggy-main", new() { ["IGGY_MAIN_TOPIC"] = "declared-topic" });

        Assert.Equal("declared-topic", host.Services.GetRequiredService<IOptions<TopologyOptions>>().Value.Topic);
    }

    private static IHost Build(string connectionName, Dictionary<string, string?> configuration)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        configuration[$"ConnectionStrings:{connectionName}"] = "iggy://iggy:secret@localhost:8090";
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.AddIggyClient(connectionName);
        builder.Services.AddIggyConsumer(builder.Configuration);
        return builder.Build();
    }
}
