using IggyAspire.Messaging;
using IggyAspire.Producer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace IggyAspire.UnitTests.Messaging;

public sealed class IggySettingsTests
{
    [Fact]
    public void The_defaults_are_the_proof_of_concepts_poll_every_500_ms_ten_at_a_time_and_skip_on_failure()
    {
        var consumer = new IggyConsumerSettings();
        var producer = new IggyProducerSettings();

        Assert.Equal((TimeSpan.FromMilliseconds(500), 10, IggyFailurePolicy.Skip, 1u), (consumer.PollInterval, consumer.BatchSize, consumer.FailurePolicy, consumer.Partitions));
        Assert.Equal((5, TimeSpan.FromMilliseconds(200)), (producer.Retry.MaxRetryAttempts, producer.Retry.Delay));
        Assert.Equal((1u, false), (producer.Partitions, producer.DisableTopologyCreation));
    }

    [Fact]
    public void The_dead_letter_topic_defaults_to_the_topics_name_with_a_suffix()
    {
        Assert.Equal("orders-dead-letter", new IggyConsumerSettings { Topic = "orders" }.ResolvedDeadLetterTopic);
        Assert.Equal("parked", new IggyConsumerSettings { Topic = "orders", DeadLetterTopic = "parked" }.ResolvedDeadLetterTopic);
    }

    [Theory]
    [InlineData("Stream", "", "Aspire:Apache:Iggy:Consumer:Stream must be a name of 1 to 255 ASCII characters, not blank (was '').")]
    [InlineData("ConsumerGroup", "ä", "Aspire:Apache:Iggy:Consumer:ConsumerGroup must be a name of 1 to 255 ASCII characters, not blank (was 'ä').")]
    [InlineData("Partitions", "0", "Aspire:Apache:Iggy:Consumer:Partitions must be between 1 and 1000 (was 0).")]
    [InlineData("BatchSize", "5000", "Aspire:Apache:Iggy:Consumer:BatchSize must be between 1 and 1000 (was 5000).")]
    [InlineData("PollInterval", "02:00:00", "Aspire:Apache:Iggy:Consumer:PollInterval must be between 00:00:00.0010000 and 01:00:00 (was 02:00:00).")]
    [InlineData("FailurePolicy", "7", "Aspire:Apache:Iggy:Consumer:FailurePolicy must be Skip or DeadLetter (was 7).")]
    [InlineData("Retry:MaxRetryAttempts", "-1", "Aspire:Apache:Iggy:Consumer:Retry:MaxRetryAttempts must be between 0 and 100 (was -1).")]
    [InlineData("Retry:Delay", "00:00:00", "Aspire:Apache:Iggy:Consumer:Retry:Delay must be between 00:00:00.0010000 and 00:10:00 (was 00:00:00).")]
    public void An_invalid_consumer_value_fails_the_registration_naming_its_key(string key, string value, string expected)
    {
        var builder = Builder(new()
        {
            ["Aspire:Apache:Iggy:Consumer:Stream"] = "s",
            ["Aspire:Apache:Iggy:Consumer:Topic"] = "t",
            ["Aspire:Apache:Iggy:Consumer:ConsumerGroup"] = "g",
            [$"Aspire:Apache:Iggy:Consumer:{key}"] = value,
        });

        var failure = Assert.Throws<InvalidOperationException>(() => builder.AddIggyConsumer<DemoMessage, NoHandler>("iggy", DemoMessageJsonContext.Default.DemoMessage));

        Assert.Equal(expected, failure.Message);
    }

    [Fact]
    public void A_dead_letter_topic_that_is_the_consumed_topic_is_refused()
    {
        var settings = new IggyConsumerSettings { Stream = "s", Topic = "t", ConsumerGroup = "g", FailurePolicy = IggyFailurePolicy.DeadLetter, DeadLetterTopic = "t" };

        var failure = Assert.Throws<InvalidOperationException>(settings.Validate);

        Assert.Equal("Aspire:Apache:Iggy:Consumer:DeadLetterTopic must not be the consumed topic 't'.", failure.Message);
    }

    [Fact]
    public void Every_failure_is_named_at_once()
    {
        var failure = Assert.Throws<InvalidOperationException>(new IggyProducerSettings { Partitions = 0 }.Validate);

        Assert.Equal(
            [
                "Aspire:Apache:Iggy:Producer:Stream is missing: set it, or reference the Iggy topic or consumer group from the AppHost.",
                "Aspire:Apache:Iggy:Producer:Topic is missing: set it, or reference the Iggy topic or consumer group from the AppHost.",
                "Aspire:Apache:Iggy:Producer:Partitions must be between 1 and 1000 (was 0).",
            ],
            failure.Message.Split(Environment.NewLine));
    }

    [Fact]
    public void Zero_retries_is_allowed_and_a_producer_settings_section_binds_in_the_env_var_shape_Aspire_uses()
    {
        var builder = Builder(new()
        {
            ["Aspire:Apache:Iggy:Producer:Stream"] = "s",
            ["Aspire:Apache:Iggy:Producer:Topic"] = "t",
            ["Aspire:Apache:Iggy:Producer:Retry:MaxRetryAttempts"] = "0",
            ["Aspire:Apache:Iggy:Producer:DisableTopologyCreation"] = "true",
        });
        IggyProducerSettings? read = null;

        builder.AddIggyProducer("iggy", DemoMessageJsonContext.Default.DemoMessage, settings => read = settings);

        Assert.Equal((0, true), (read!.Retry.MaxRetryAttempts, read.DisableTopologyCreation));
    }

    [Theory]
    [InlineData("BatchSize", "0", "Demo:Producer:BatchSize must be between 1 and 1000 (was 0)")]
    [InlineData("Interval", "00:00:00", "Demo:Producer:Interval must be between")]
    [InlineData("Text", "", "Demo:Producer:Text must not be empty")]
    public async Task An_invalid_demo_producer_value_stops_the_host_at_start_naming_its_key(string key, string value, string expected)
    {
        var builder = Builder(new() { [$"Demo:Producer:{key}"] = value });
        builder.Services.AddOptions<DemoProducerOptions>().BindConfiguration(DemoProducerOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DemoProducerOptions>, DemoProducerOptionsValidator>();
        using var host = builder.Build();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }

    private static HostApplicationBuilder Builder(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        return builder;
    }

    private sealed class NoHandler : IIggyMessageHandler<DemoMessage>
    {
        public Task HandleAsync(IggyMessage<DemoMessage> message, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
