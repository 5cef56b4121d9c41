using CsCheck;
using IggyAspire.Messaging.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IggyAspire.Simulation.Tests;

/// <summary>Hostile option values: whatever is out of range, the worker refuses to start with a message naming the key.</summary>
public sealed class OptionsValidationPropertyTests
{
    private static readonly Gen<int> BadBatchSize = Gen.OneOf(Gen.Int[int.MinValue, 0], Gen.Int[1001, int.MaxValue]);

    private static readonly Gen<TimeSpan> BadInterval = Gen.OneOf(
        Gen.Long[long.MinValue, TimeSpan.TicksPerMillisecond - 1].Select(TimeSpan.FromTicks),
        Gen.Long[TimeSpan.TicksPerHour + 1, long.MaxValue].Select(TimeSpan.FromTicks));

    private static readonly Gen<string> BadName = Gen.OneOf(
        Gen.Const(""),
        Gen.Char[' ', ' '].Array[1, 5].Select(spaces => new string(spaces)),
        Gen.Char['a', 'z'].Array[256, 300].Select(letters => new string(letters)),
        Gen.Char[(char)128, (char)0xD7FF].Array[1, 10].Select(letters => new string(letters)));

    private static readonly string[] NameKeys = ["Stream", "Topic", "ConsumerGroup"];

    [Fact]
    public void A_bad_consumer_batch_size_or_poll_interval_is_refused_by_its_key()
    {
        Gen.Select(BadBatchSize, BadInterval).Sample((batchSize, interval) =>
        {
            var failures = Failures<ConsumerOptions>(services => services.AddIggyConsumer(EmptyConfiguration()), options =>
            {
                options.BatchSize = batchSize;
                options.PollInterval = interval;
            });

            Assert.Contains(failures, failure => failure.StartsWith("Iggy:Consumer:BatchSize ", StringComparison.Ordinal));
            Assert.Contains(failures, failure => failure.StartsWith("Iggy:Consumer:PollInterval ", StringComparison.Ordinal));
        });
    }

    [Fact]
    public void A_bad_producer_batch_size_or_interval_is_refused_by_its_key()
    {
        Gen.Select(BadBatchSize, BadInterval).Sample((batchSize, interval) =>
        {
            var failures = Failures<ProducerOptions>(services => services.AddIggyProducer(EmptyConfiguration()), options =>
            {
                options.BatchSize = batchSize;
                options.Interval = interval;
            });

            Assert.Contains(failures, failure => failure.StartsWith("Iggy:Producer:BatchSize ", StringComparison.Ordinal));
            Assert.Contains(failures, failure => failure.StartsWith("Iggy:Producer:Interval ", StringComparison.Ordinal));
        });
    }

    [Fact]
    public void A_bad_stream_topic_or_group_name_is_refused_by_its_key()
    {
        Gen.Select(BadName, Gen.Int[0, 2]).Sample((name, which) =>
        {
            var key = NameKeys[which];
            var failures = Failures<TopologyOptions>(services => services.AddIggyConsumer(EmptyConfiguration()), options =>
            {
                _ = which switch
                {
                    0 => options.Stream = name,
                    1 => options.Topic = name,
                    _ => options.ConsumerGroup = name,
                };
            });

            Assert.Contains(failures, failure => failure.StartsWith($"Iggy:Topology:{key} ", StringComparison.Ordinal));
        });
    }

    private static List<string> Failures<TOptions>(Action<IServiceCollection> register, Action<TOptions> configure)
        where TOptions : class
    {
        var services = new ServiceCollection();
        register(services);
        services.Configure(configure);
        using var provider = services.BuildServiceProvider();
        var refused = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<TOptions>>().Value);
        return [.. refused.Failures];
    }

    private static IConfiguration EmptyConfiguration() => new ConfigurationBuilder().Build();
}
