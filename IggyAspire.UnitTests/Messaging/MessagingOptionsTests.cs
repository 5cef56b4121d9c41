using IggyAspire.Messaging.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace IggyAspire.UnitTests.Messaging;

public sealed class MessagingOptionsTests
{
    [Fact]
    public async Task The_defaults_are_the_seeds_one_message_a_second_and_a_poll_every_500_ms()
    {
        using var host = Build(producer: true, []);
        await host.StartAsync(TestContext.Current.CancellationToken);

        var topology = host.Services.GetRequiredService<IOptions<TopologyOptions>>().Value;
        var producer = host.Services.GetRequiredService<IOptions<ProducerOptions>>().Value;
        Assert.Equal(("demo-stream", "demo-topic", 1u, "demo-consumers"), (topology.Stream, topology.Topic, topology.Partitions, topology.ConsumerGroup));
        Assert.Equal(TimeSpan.FromSeconds(1), producer.Interval);
        Assert.Equal(1, producer.BatchSize);
        Assert.Equal(TimeSpan.FromMilliseconds(500), new ConsumerOptions().PollInterval);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Configuration_reaches_the_options_in_the_env_var_shape_Aspire_uses()
    {
        using var host = Build(producer: false, new()
        {
            ["Iggy:Topology:Partitions"] = "3",
            ["Iggy:Topology:ConsumerGroup"] = "audit",
            ["Iggy:Consumer:PollInterval"] = "00:00:00.250",
        });
        await host.StartAsync(TestContext.Current.CancellationToken);

        Assert.Equal(3u, host.Services.GetRequiredService<IOptions<TopologyOptions>>().Value.Partitions);
        Assert.Equal("audit", host.Services.GetRequiredService<IOptions<TopologyOptions>>().Value.ConsumerGroup);
        Assert.Equal(TimeSpan.FromMilliseconds(250), host.Services.GetRequiredService<IOptions<ConsumerOptions>>().Value.PollInterval);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData(true, "Iggy:Producer:BatchSize", "0", "Iggy:Producer:BatchSize must be between 1 and 1000 (was 0)")]
    [InlineData(true, "Iggy:Producer:Interval", "00:00:00", "Iggy:Producer:Interval must be between")]
    [InlineData(true, "Iggy:Producer:Text", "", "Iggy:Producer:Text must not be empty")]
    [InlineData(false, "Iggy:Consumer:BatchSize", "5000", "Iggy:Consumer:BatchSize must be between 1 and 1000 (was 5000)")]
    [InlineData(false, "Iggy:Consumer:PollInterval", "02:00:00", "Iggy:Consumer:PollInterval must be between")]
    [InlineData(false, "Iggy:Topology:Partitions", "0", "Iggy:Topology:Partitions must be between 1 and 1000 (was 0)")]
    [InlineData(false, "Iggy:Topology:ConsumerGroup", "", "Iggy:Topology:ConsumerGroup must be a name of 1 to 255 ASCII characters, not blank")]
    [InlineData(true, "Iggy:Topology:Topic", " ", "Iggy:Topology:Topic must be a name of 1 to 255 ASCII characters, not blank")]
    public async Task An_invalid_value_stops_the_worker_at_start_naming_its_key(bool producer, string key, string value, string expected)
    {
        using var host = Build(producer, new() { [key] = value });

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("démo-stream")]
    [InlineData("流")]
    [InlineData("stream\u00a0one")]
    public async Task A_name_with_a_character_outside_ASCII_stops_the_worker_naming_its_key(string stream)
    {
        using var host = Build(producer: true, new() { ["Iggy:Topology:Stream"] = stream });

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Iggy:Topology:Stream must be a name of 1 to 255 ASCII characters", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_name_may_have_255_characters_and_no_more()
    {
        using var fits = Build(producer: true, new() { ["Iggy:Topology:Stream"] = new string('s', 255) });
        using var tooLong = Build(producer: true, new() { ["Iggy:Topology:Stream"] = new string('s', 256) });

        await fits.StartAsync(TestContext.Current.CancellationToken);
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => tooLong.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Iggy:Topology:Stream must be a name of 1 to 255 ASCII characters", failure.Message, StringComparison.Ordinal);
        await fits.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_stops_the_worker_naming_its_key()
    {
        using var host = Build(producer: true, new() { ["Iggy:Producer:Interval"] = "every second" });

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Iggy:Producer:Interval", failure.Message, StringComparison.Ordinal);
    }

    private static IHost Build(bool producer, Dictionary<string, string?> configuration)
    {
        // No defaults: an Iggy__Topology__Partitions in the environment running the tests must not count.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(configuration);
        if (producer)
        {
            builder.Services.AddIggyProducer(builder.Configuration);
        }
        else
        {
            builder.Services.AddIggyConsumer(builder.Configuration);
        }

        return builder.Build();
    }
}
