using System.Diagnostics.Metrics;
using System.Globalization;
using IggyAspire.Messaging.Telemetry;
using IggyAspire.TestServer.Tcp;
using Microsoft.Extensions.DependencyInjection;

namespace IggyAspire.Tests.TestServer;

/// <summary>
/// The consumer lag gauge of each replica, read from each consumer host's own meter factory as the dashboard reads
/// each replica's, over the real Apache.Iggy 0.8.0 client on the test server: a replica reports the partitions its
/// member owns and no other, and when the other replica leaves it takes over that one's partitions in the gauge too.
/// (Each replica reads its partitions every 5 s, MessageConsumer.LagRefreshInterval: about 10 s.)
/// </summary>
public sealed class LagGaugeTests : IAsyncDisposable
{
    private const string LagInstrument = "messaging.iggy.consumer.lag";
    private static readonly (string, string) ThreePartitions = ("Aspire:Apache:Iggy:Consumer:Partitions", "3");

    private readonly IggyTcpServer _server = IggyTcpServer.Start(new IggyTcpServerOptions { Username = "iggy", Password = "secret" });
    private readonly DemoOverTestServer _demo;

    public LagGaugeTests() => _demo = new DemoOverTestServer(_server);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Each_replica_reports_the_lag_of_the_partitions_it_owns_and_takes_over_the_others_when_it_leaves()
    {
        await using var first = await _demo.StartConsumerAsync(logs: null, ThreePartitions);
        await _demo.WaitUntilAsync(() => _demo.ClientsThatSent(IggyCommandCodes.JoinConsumerGroup).Count == 1, "the first consumer to join");
        var firstClient = Assert.Single(_demo.ClientsThatSent(IggyCommandCodes.JoinConsumerGroup));
        var second = await _demo.StartConsumerAsync(logs: null, ThreePartitions);
        await _demo.WaitUntilAsync(() => Members().Length == 2, "both consumers to be members of the group");
        var secondClient = _demo.ClientsThatSent(IggyCommandCodes.JoinConsumerGroup).Single(client => client != firstClient);
        // Three sends, balanced: one per partition. A member finds itself in the group by a partition it was served.
        using (var producer = await _demo.PlainClientAsync())
        {
            for (var send = 0; send < 3; send++)
            {
                await _demo.SendAsync(producer, 2);
            }
        }

        await _demo.WaitUntilAsync(() => Reports(first, firstClient) && Reports(second, secondClient),
            $"each replica's gauge to report its own member's partitions at lag 0; group {Group()}; first (client {firstClient}) {Describe(first)}, second (client {secondClient}) {Describe(second)}");
        var firstBefore = Lag(first);
        var secondBefore = Lag(second);

        // The second replica stops: it leaves, the first is given every partition, and its gauge follows.
        await second.DisposeAsync();
        await _demo.WaitUntilAsync(() => Members() is [var only] && only.ClientId == firstClient && only.Partitions.Count == 3, $"the first consumer to own all 3 partitions; group {Group()}");
        await _demo.WaitUntilAsync(() => Reports(first, firstClient), $"the first replica's gauge to report all 3 partitions; it reports {Describe(first)}");

        Assert.Empty(firstBefore.Keys.Intersect(secondBefore.Keys));
        Assert.Equal(3, firstBefore.Count + secondBefore.Count);
        Assert.Equal([0u, 1u, 2u], Lag(first).Keys.Order());
    }

    /// <summary>The host's gauge reports exactly the partitions its member owns on the server, each at lag 0.</summary>
    private bool Reports<T>(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<T> host, long clientId)
        where T : class
    {
        var owned = Members().SingleOrDefault(member => member.ClientId == clientId).Partitions ?? [];
        var lag = Lag(host);
        return owned.Count > 0 && lag.Count == owned.Count && owned.All(partition => lag.TryGetValue((uint)partition, out var pending) && pending == 0);
    }

    /// <summary>The lag gauge of one host: the instrument of its own meter factory only.</summary>
    private static Dictionary<uint, long> Lag<T>(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<T> host)
        where T : class
    {
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        var lag = new Dictionary<uint, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            if (instrument.Name == LagInstrument && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == MessagingAttributes.PartitionId)
                {
                    lag[uint.Parse((string)tag.Value!, CultureInfo.InvariantCulture)] = value;
                }
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return lag;
    }

    private static string Describe<T>(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<T> host)
        where T : class =>
        string.Join(", ", Lag(host).OrderBy(pair => pair.Key).Select(pair => $"{pair.Key}:{pair.Value}"));

    private string Group() => _server.Inspect(model => model.DescribeGroup(DemoOverTestServer.Stream, DemoOverTestServer.Topic, DemoOverTestServer.Group));

    private (long ClientId, IReadOnlyList<int> Partitions)[] Members() => _server.Inspect(model =>
        model.GetGroup(DemoOverTestServer.Stream, DemoOverTestServer.Topic, DemoOverTestServer.Group)?.Members.OrderBy(member => member.ClientId).Select(member => (member.ClientId, member.Partitions)).ToArray() ?? []);
}
