using System.Text;
using System.Text.Json;
using CsCheck;
using IggyAspire.Consumer;
using IggyAspire.Messaging;
using IggyAspire.Messaging.Consuming;
using IggyAspire.Messaging.Telemetry;
using IggyAspire.Messaging.Transport;
using IggyAspire.Producer;
using IggyAspire.Simulation.Driver;
using IggyAspire.Simulation.Faults;
using IggyAspire.Simulation.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IggyAspire.Simulation.Tests;

/// <summary>
/// Hostile payloads: the JSON serializer refuses each it cannot read with a JsonException and a reason, and the
/// package's consumer skips, or parks in the dead-letter topic, every one of them and hands the rest to the handler.
/// </summary>
public sealed class HostilePayloadPropertyTests
{
    private static readonly IggyJsonMessageSerializer<DemoMessage> Serializer = new(DemoMessageJsonContext.Default.DemoMessage);

    private static readonly Gen<byte[]> NearlyJson = Gen.OneOf(
        Gen.Byte.Array[0, 200],
        Gen.String.Select(Encoding.UTF8.GetBytes),
        Gen.Select(Gen.Long, Gen.String, Gen.Int[0, 40]).Select((id, text, cut) =>
        {
            var json = Serializer.Serialize(new DemoMessage(id, text, DateTimeOffset.UnixEpoch));
            return json[..Math.Min(cut, json.Length)];
        }),
        Gen.Int[0, 5].Select(i => new[] { "null", "{}", "[]", "{\"id\":\"x\"}", "{\"id\":1,\"text\":null,\"ts\":\"not a date\"}", new string('[', 10_000) }[i])
            .Select(Encoding.UTF8.GetBytes));

    private static readonly Gen<byte[][]> Batches =
        Gen.OneOf(NearlyJson, Gen.Long[1, 1_000_000].Select(id => Serializer.Serialize(new DemoMessage(id, "ok", DateTimeOffset.UnixEpoch)))).Array[1, 30];

    [Fact]
    public void The_deserializer_refuses_only_with_a_json_exception_that_gives_a_reason()
    {
        NearlyJson.Sample(payload =>
        {
            try
            {
                Assert.NotNull(Serializer.Deserialize(payload));
            }
            catch (JsonException refused)
            {
                Assert.False(string.IsNullOrEmpty(refused.Message));
            }
        });
    }

    [Fact]
    public void A_consumer_skips_and_counts_every_unreadable_payload_and_processes_the_rest()
    {
        Batches.Sample(payloads =>
        {
            var (processed, skipped, parked, stillRunning) = ConsumeOnce(payloads, IggyFailurePolicy.Skip);

            Assert.Equal(Unreadable(payloads), skipped);
            Assert.Equal(payloads.Length - skipped, processed);
            Assert.Empty(parked);
            Assert.True(stillRunning);
        }, iter: 50);
    }

    [Fact]
    public void With_the_dead_letter_policy_every_unreadable_payload_is_parked_byte_for_byte_in_order()
    {
        Batches.Sample(payloads =>
        {
            var (processed, skipped, parked, stillRunning) = ConsumeOnce(payloads, IggyFailurePolicy.DeadLetter);

            Assert.Equal(payloads.Where(payload => !Readable(payload)).Select(Convert.ToHexString), parked.Select(Convert.ToHexString));
            Assert.Equal(parked.Count, skipped);
            Assert.Equal(payloads.Length - parked.Count, processed);
            Assert.True(stillRunning);
        }, iter: 50);
    }

    private static int Unreadable(byte[][] payloads) => payloads.Count(payload => !Readable(payload));

    private static bool Readable(byte[] payload)
    {
        try
        {
            Serializer.Deserialize(payload);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>One consumer against the model, the payloads in one partition, until it committed them all.</summary>
    private static (int Processed, int Skipped, List<byte[]> Parked, bool StillRunning) ConsumeOnce(byte[][] payloads, IggyFailurePolicy policy)
    {
        var clock = new FakeTimeProvider();
        var server = new SimulatedIggyServer(clock);
        using var checker = server.RevocationChecker;
        server.CreateStream(SimulationRun.Stream);
        server.CreateTopic(SimulationRun.Stream, SimulationRun.Topic, 1);
        server.Append(server.Connect(), SimulationRun.Stream, SimulationRun.Topic,
            [.. payloads.Select((payload, i) => new OutgoingMessage((UInt128)(i + 1), payload))], "hostile");
        var recorder = new ProcessingRecorder();
        var connection = new SimulatedConnection(server, clock, new FaultSchedule(new Random(1), FaultRates.None), new CallLog(Environment.CurrentManagedThreadId), "consumer");
        using var instrumentation = new MessagingInstrumentation(new MessagingInstrumentationOptions());
        using var handlers = new ServiceCollection()
            .AddSingleton(recorder.LoggerFor<DemoMessageHandler>("consumer"))
            .AddScoped<IIggyMessageHandler<DemoMessage>, DemoMessageHandler>()
            .BuildServiceProvider();
        var settings = new IggyConsumerSettings { Stream = SimulationRun.Stream, Topic = SimulationRun.Topic, ConsumerGroup = SimulationRun.Group, FailurePolicy = policy };
        var consumer = new IggyConsumer<DemoMessage>(
            connection, settings, Serializer, handlers.GetRequiredService<IServiceScopeFactory>(), instrumentation, clock, recorder.LoggerFor<IggyConsumer<DemoMessage>>("consumer"));
        using var stopping = new CancellationTokenSource();
        var run = consumer.RunAsync(stopping.Token);
        var partition = server.Inspect(SimulationRun.Stream, SimulationRun.Topic).Partitions[0];
        for (var step = 0; step < 600_000 && !(partition.StoredOffsets.TryGetValue(SimulationRun.Group, out var stored) && stored == partition.CurrentOffset); step++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        var stillRunning = !run.IsCompleted;
        stopping.Cancel();
        var parked = policy == IggyFailurePolicy.DeadLetter
            ? server.Inspect(SimulationRun.Stream, settings.ResolvedDeadLetterTopic).Partitions[0].Log.Select(message => message.Payload).ToList()
            : [];
        server.DisposeTimers();
        return (recorder.Processed.Count, recorder.SkippedInvalidPayloads, parked, stillRunning);
    }
}
