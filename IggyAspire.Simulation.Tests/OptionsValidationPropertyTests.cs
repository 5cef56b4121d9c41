using CsCheck;
using IggyAspire.Messaging;
using IggyAspire.Producer;
using Microsoft.Extensions.Options;

namespace IggyAspire.Simulation.Tests;

/// <summary>Hostile setting values: whatever is out of range, the registration or the host refuses it with a message naming the key.</summary>
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
            var failures = Failures(Consumer(settings =>
            {
                settings.BatchSize = batchSize;
                settings.PollInterval = interval;
            }).Validate);

            Assert.Contains(failures, failure => failure.StartsWith("Aspire:Apache:Iggy:Consumer:BatchSize ", StringComparison.Ordinal));
            Assert.Contains(failures, failure => failure.StartsWith("Aspire:Apache:Iggy:Consumer:PollInterval ", StringComparison.Ordinal));
        });
    }

    [Fact]
    public void A_bad_demo_producer_batch_size_or_interval_is_refused_by_its_key()
    {
        Gen.Select(BadBatchSize, BadInterval).Sample((batchSize, interval) =>
        {
            var result = new DemoProducerOptionsValidator().Validate(null, new DemoProducerOptions { BatchSize = batchSize, Interval = interval });

            Assert.Contains(result.Failures!, failure => failure.StartsWith("Demo:Producer:BatchSize ", StringComparison.Ordinal));
            Assert.Contains(result.Failures!, failure => failure.StartsWith("Demo:Producer:Interval ", StringComparison.Ordinal));
        });
    }

    [Fact]
    public void A_bad_stream_topic_or_group_name_is_refused_by_its_key()
    {
        Gen.Select(BadName, Gen.Int[0, 2]).Sample((name, which) =>
        {
            var key = NameKeys[which];
            var failures = Failures(Consumer(settings =>
            {
                _ = which switch
                {
                    0 => settings.Stream = name,
                    1 => settings.Topic = name,
                    _ => settings.ConsumerGroup = name,
                };
            }).Validate);

            Assert.Contains(failures, failure => failure.StartsWith($"Aspire:Apache:Iggy:Consumer:{key} ", StringComparison.Ordinal));
        });
    }

    [Fact]
    public void A_bad_producer_stream_or_topic_name_is_refused_by_its_key()
    {
        Gen.Select(BadName, Gen.Int[0, 1]).Sample((name, which) =>
        {
            var settings = new IggyProducerSettings { Stream = which == 0 ? name : "s", Topic = which == 1 ? name : "t" };

            Assert.Contains(Failures(settings.Validate), failure => failure.StartsWith($"Aspire:Apache:Iggy:Producer:{NameKeys[which]} ", StringComparison.Ordinal));
        });
    }

    private static IggyConsumerSettings Consumer(Action<IggyConsumerSettings> configure)
    {
        var settings = new IggyConsumerSettings { Stream = "s", Topic = "t", ConsumerGroup = "g" };
        configure(settings);
        return settings;
    }

    private static string[] Failures(Action validate) => Assert.Throws<InvalidOperationException>(validate).Message.Split(Environment.NewLine);
}
