using System.Text;
using CsCheck;
using IggyAspire.Messaging.Contract;
using IggyAspire.Messaging.Transport;
using IggyAspire.Simulation.Driver;
using IggyAspire.Simulation.Faults;
using IggyAspire.Simulation.Model;
using Microsoft.Extensions.Time.Testing;

namespace IggyAspire.Simulation.Tests;

/// <summary>Hostile payloads: the deserializer never throws, and the consumer counts and skips each one it cannot read.</summary>
public sealed class HostilePayloadPropertyTests
{
    private static readonly Gen<byte[]> NearlyJson = Gen.OneOf(
        Gen.Byte.Array[0, 200],
        Gen.String.Select(Encoding.UTF8.GetBytes),
        Gen.Select(Gen.Long, Gen.String, Gen.Int[0, 40]).Select((id, text, cut) =>
        {
            var json = DemoMessageSerializer.Serialize(new DemoMessage(id, text, DateTimeOffset.UnixEpoch));
            return json[..Math.Min(cut, json.Length)];
        }),
        Gen.Int[0, 5].Select(i => new[] { "null", "{}", "[]", "{\"id\":\"x\"}", "{\"id\":1,\"text\":null,\"ts\":\"not a date\"}", new string('[', 10_000) }[i])
            .Select(Encoding.UTF8.GetBytes));

    [Fact]
    public void The_deserializer_never_throws_and_gives_a_reason_for_every_rejection()
    {
        NearlyJson.Sample(payload =>
        {
            var accepted = DemoMessageSerializer.TryDeserialize(payload, out var message, out var error);

            Assert.True(accepted ? message is not null && error is null : message is null && !string.IsNullOrEmpty(error));
        });
    }

    [Fact]
    public void A_consumer_skips_and_counts_every_unreadable_payload_and_processes_the_rest()
    {
        var batches = Gen.OneOf(NearlyJson, Gen.Long[1, 1_000_000].Select(id => DemoMessageSerializer.Serialize(new DemoMessage(id, "ok", DateTimeOffset.UnixEpoch))))
            .Array[1, 30];
        batches.Sample(payloads =>
        {
            var unreadable = payloads.Count(payload => !DemoMessageSerializer.TryDeserialize(payload, out _, out _));

            var (processed, skipped, stillRunning) = ConsumeOnce(payloads);

            Assert.Equal(unreadable, skipped);
            Assert.Equal(payloads.Length - unreadable, processed);
            Assert.True(stillRunning);
        }, iter: 50);
    }

    /// <summary>One consumer against the model, the payloads in one partition, until it committed them all.</summary>
    private static (int Processed, int Skipped, bool StillRunning) ConsumeOnce(byte[][] payloads)
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
        using var instrumentation = new Messaging.Telemetry.MessagingInstrumentation(new Messaging.Telemetry.MessagingInstrumentationOptions());
        var topology = Microsoft.Extensions.Options.Options.Create(new Messaging.Options.TopologyOptions
        {
            Stream = SimulationRun.Stream,
            Topic = SimulationRun.Topic,
            ConsumerGroup = SimulationRun.Group,
            Partitions = 1,
        });
        var consumer = new Messaging.Consuming.MessageConsumer(
            connection,
            new Messaging.Topology.TopologyInitializer(connection, topology, clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<Messaging.Topology.TopologyInitializer>.Instance),
            topology,
            Microsoft.Extensions.Options.Options.Create(new Messaging.Options.ConsumerOptions()),
            instrumentation,
            clock,
            recorder.LoggerFor("consumer"));
        using var stopping = new CancellationTokenSource();
        var run = consumer.RunAsync(stopping.Token);
        var partition = server.Inspect(SimulationRun.Stream, SimulationRun.Topic).Partitions[0];
        for (var step = 0; step < 600_000 && !(partition.StoredOffsets.TryGetValue(SimulationRun.Group, out var stored) && stored == partition.CurrentOffset); step++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        var stillRunning = !run.IsCompleted;
        stopping.Cancel();
        return (recorder.Processed.Count, recorder.SkippedInvalidPayloads, stillRunning);
    }
}
