using IggyAspire.Consumer;
using IggyAspire.Messaging;
using IggyAspire.Messaging.Consuming;
using IggyAspire.Messaging.Telemetry;
using IggyAspire.Producer;
using IggyAspire.Simulation.Faults;
using IggyAspire.Simulation.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace IggyAspire.Simulation.Driver;

/// <summary>
/// One seeded run: the demo's real <see cref="DemoProducer"/> over the package's <see cref="IggyProducer{TMessage}"/>,
/// and two of the package's real <see cref="IggyConsumer{TMessage}"/>s with the demo's handler, against one
/// <see cref="SimulatedIggyServer"/>, on a manual <see cref="SimulationClock"/> (a FakeTimeProvider with a defined order for timers due together) advanced 1 ms at a time from this thread.
/// Every timer fires inside <see cref="SimulationClock.Advance"/> and every continuation runs inline there, so the
/// workers take turns on this one thread and the order of everything follows from the seed alone (the run counts
/// calls made off this thread; there should be none). Disruptions come at seeded moments, call faults from the
/// seeded <see cref="FaultSchedule"/>. Production stops at <see cref="SimulationOptions.Messages"/> acknowledged ids;
/// the run ends when every partition is committed to its end, then checks <see cref="Invariants"/>.
/// </summary>
internal sealed class SimulationRun : IDisposable
{
    public const string Stream = "sim-stream";
    public const string Topic = "sim-topic";
    public const string Group = "sim-group";

    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(1);

    private static readonly IggyJsonMessageSerializer<DemoMessage> Serializer = new(DemoMessageJsonContext.Default.DemoMessage);

    private readonly SimulationOptions _options;
    private readonly Random _random;
    private readonly SimulationClock _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly SimulatedIggyServer _server;
    private readonly CallLog _calls = new(Environment.CurrentManagedThreadId);
    private readonly FaultSchedule _faults;
    private readonly ProcessingRecorder _recorder = new();
    private readonly MessagingInstrumentation _instrumentation = new(new MessagingInstrumentationOptions());
    private readonly WorkerProcess?[] _consumers = new WorkerProcess?[2];
    private readonly TimeSpan?[] _consumerRestarts = new TimeSpan?[2];
    private readonly int[] _consumerGenerations = new int[2];
    private readonly List<(string Instance, long? Session)> _killedConsumers = [];

    // Killed instances stay reachable until the run ends, so that nothing of theirs is finalized (see InstanceClock).
    private readonly List<WorkerProcess> _killed = [];
    private readonly List<int> _acknowledgedAtRestart = [];

    // The ids of the messages crashes took from the log (their offsets are reused by later messages).
    private readonly HashSet<long> _lostInCrashes = [];
    private int _crashes;
    private readonly List<Disruption> _disruptions;
    private readonly DateTimeOffset _start;
    private WorkerProcess? _producer;
    private TimeSpan? _producerRestart;
    private TimeSpan? _serverStart;
    private int _producerGeneration;
    private int _producerKills;
    private bool _producing = true;
    private string? _tracedGroup;

    private SimulationRun(SimulationOptions options)
    {
        _options = options;
        _random = new Random(options.Seed);
        PollyJitter.SeedThisThread(_random);
        _server = new SimulatedIggyServer(_clock, messagesRequiredToSave: options.MessagesRequiredToSave);
        _faults = new FaultSchedule(_random, options.Faults);
        _start = _clock.GetUtcNow();
        _disruptions = ScheduleDisruptions();
        if (options.Trace)
        {
            _calls.StartTrace(_start);
            _recorder.OtherRecords = (instance, text) => _calls.Note(_clock.GetUtcNow(), instance, text);
        }
    }

    /// <summary>How long production takes without faults: the window the disruptions are spread over.</summary>
    private TimeSpan ProductionWindow => _options.ProducerInterval * Math.Max(1, _options.Messages / _options.ProducerBatchSize);

    private TimeSpan Elapsed => _clock.GetUtcNow() - _start;

    public static SimulationResult Execute(SimulationOptions options)
    {
        using var run = new SimulationRun(options);
        return run.Execute();
    }

    public void Dispose()
    {
        foreach (var killed in _killed)
        {
            killed.Dispose();
        }

        _producer?.Dispose();
        foreach (var consumer in _consumers)
        {
            consumer?.Dispose();
        }

        _server.DisposeTimers();
        _instrumentation.Dispose();
    }

    private SimulationResult Execute()
    {
        StartProducer();
        StartConsumer(0);
        StartConsumer(1);
        var giveUpAt = (ProductionWindow * 4) + TimeSpan.FromMinutes(5);
        while (!Finished() && Elapsed < giveUpAt)
        {
            _clock.Advance(Step);
            _producer?.DeliverStop();
            TraceGroup();
            ApplyDueDisruptions();
            RestartWhatIsDue();
            RestartWorkersThatExited();
            TraceGroup();
            if (_producing && _calls.Acknowledged.Count >= _options.Messages)
            {
                _producing = false;
                _producer?.Stop();
            }
        }

        var finishedAt = Elapsed;
        var lagViolations = Finished() ? SettledLagViolations() : [];
        StopEverything();
        return Result(finishedAt, lagViolations);
    }

    private List<Disruption> ScheduleDisruptions()
    {
        // Spread over the middle of production, so that each lands while messages flow.
        TimeSpan Moment() => ProductionWindow * (0.1 + (0.7 * _random.NextDouble()));
        var disruptions = new List<Disruption>();
        disruptions.AddRange(Enumerable.Range(0, _options.ConsumerKills).Select(_ => new Disruption(Moment(), DisruptionKind.KillConsumer, _random.Next(2))));
        disruptions.AddRange(Enumerable.Range(0, _options.ProducerKills).Select(_ => new Disruption(Moment(), DisruptionKind.KillProducer, 0)));
        disruptions.AddRange(Enumerable.Range(0, _options.ServerRestarts).Select(_ => new Disruption(Moment(), DisruptionKind.RestartServer, 0)));
        disruptions.AddRange(Enumerable.Range(0, _options.ServerCrashes).Select(_ => new Disruption(Moment(), DisruptionKind.CrashServer, 0)));
        disruptions.AddRange(Enumerable.Range(0, _options.ConnectionDrops).Select(_ => new Disruption(Moment(), DisruptionKind.DropConnection, _random.Next(3))));
        return [.. disruptions.OrderBy(disruption => disruption.At)];
    }

    private void ApplyDueDisruptions()
    {
        while (_disruptions.Count > 0 && _disruptions[0].At <= Elapsed)
        {
            var disruption = _disruptions[0];
            _disruptions.RemoveAt(0);
            switch (disruption.Kind)
            {
                case DisruptionKind.KillConsumer:
                    KillConsumer(disruption.Target);
                    break;
                case DisruptionKind.KillProducer when _producer is not null && _producing:
                    _producer.Kill();
                    _killed.Add(_producer);
                    _producer = null;
                    _producerKills++;
                    _producerRestart = Elapsed + _options.Downtime;
                    break;
                case DisruptionKind.RestartServer when _server.IsUp:
                    _calls.Note(_clock.GetUtcNow(), "server", "STOPPED");
                    _server.Stop();
                    _serverStart = Elapsed + _options.Downtime;
                    break;
                case DisruptionKind.CrashServer when _server.IsUp:
                    var lost = _server.Crash();
                    _calls.Note(_clock.GetUtcNow(), "server", $"CRASHED, {lost.Count} unsaved message(s) lost");
                    _lostInCrashes.UnionWith(lost.Select(id => (long)id));
                    _crashes++;
                    _serverStart = Elapsed + _options.Downtime;
                    break;
                case DisruptionKind.DropConnection:
                    (disruption.Target == 2 ? _producer : _consumers[disruption.Target])?.Connection.Drop();
                    break;
                default:
                    break;
            }
        }
    }

    private void KillConsumer(int slot)
    {
        if (_consumers[slot] is not { } consumer)
        {
            // Already down: kill the other one, so every scheduled kill kills a running instance.
            slot = 1 - slot;
            if (_consumers[slot] is not { } other)
            {
                return;
            }

            consumer = other;
        }

        _killedConsumers.Add((consumer.Instance, consumer.Connection.ClientId));
        consumer.Kill();
        _killed.Add(consumer);
        _consumers[slot] = null;
        _consumerRestarts[slot] = Elapsed + _options.Downtime;
    }

    private void RestartWhatIsDue()
    {
        if (_serverStart <= Elapsed)
        {
            _serverStart = null;
            _calls.Note(_clock.GetUtcNow(), "server", "STARTED");
            _server.Start();
            _acknowledgedAtRestart.Add(_calls.Acknowledged.Count);
        }

        if (_producerRestart <= Elapsed)
        {
            _producerRestart = null;
            StartProducer();
        }

        for (var slot = 0; slot < _consumers.Length; slot++)
        {
            if (_consumerRestarts[slot] <= Elapsed)
            {
                _consumerRestarts[slot] = null;
                StartConsumer(slot);
            }
        }
    }

    /// <summary>
    /// A worker whose run ended by itself (its start-up retries ran out while the server was down) is what a host
    /// would exit on and an orchestrator start again: start a fresh instance after the downtime.
    /// </summary>
    private void RestartWorkersThatExited()
    {
        if (_producer is { Run.IsCompleted: true } && _producing)
        {
            _producer.Dispose();
            _producer = null;
            _producerRestart = Elapsed + _options.Downtime;
        }

        for (var slot = 0; slot < _consumers.Length; slot++)
        {
            if (_consumers[slot] is { Run.IsCompleted: true } consumer)
            {
                consumer.Dispose();
                _consumers[slot] = null;
                _consumerRestarts[slot] = Elapsed + _options.Downtime;
            }
        }
    }

    /// <summary>Done when nothing more is scheduled and the group has committed every partition to its newest message.</summary>
    private bool Finished()
    {
        if (_producing || _disruptions.Count > 0 || _serverStart is not null || _consumerRestarts.Any(restart => restart is not null)
            || _producer is { Run.IsCompleted: false })
        {
            return false;
        }

        _faults.Enabled = false;
        return _server.Inspect(Stream, Topic).Partitions.All(partition =>
            partition.Log.Count == 0
            || (partition.StoredOffsets.TryGetValue(Group, out var stored) && stored == partition.CurrentOffset));
    }

    /// <summary>With a trace, the group's assignment whenever it changed (after a join, a leave, a revocation).</summary>
    private void TraceGroup()
    {
        if (!_options.Trace)
        {
            return;
        }

        var group = _server.DescribeGroup(Stream, Topic, Group);
        if (group != _tracedGroup)
        {
            _tracedGroup = group;
            _calls.Note(_clock.GetUtcNow(), "server", $"group: {group}");
        }
    }

    private void StartProducer()
    {
        var instance = $"producer#{++_producerGeneration}";
        var clock = new InstanceClock(_clock);
        var connection = Connect(instance, clock);
        var settings = new IggyProducerSettings { Stream = Stream, Topic = Topic, Partitions = _options.Partitions };
        var producer = new DemoProducer(
            new IggyProducer<DemoMessage>(connection, settings, Serializer, _instrumentation, clock, NullLogger<IggyProducer<DemoMessage>>.Instance),
            MsOptions.Create(new DemoProducerOptions { BatchSize = _options.ProducerBatchSize, Interval = _options.ProducerInterval }),
            clock,
            NullLogger<DemoProducer>.Instance);
        var stopping = new CancellationTokenSource();
        _producer = new WorkerProcess(instance, clock, connection, stopping, producer.RunAsync(stopping.Token));
    }

    private void StartConsumer(int slot)
    {
        var instance = $"consumer-{(char)('a' + slot)}#{++_consumerGenerations[slot]}";
        var clock = new InstanceClock(_clock);
        var connection = Connect(instance, clock);
        _calls.Note(_clock.GetUtcNow(), instance, "started");
        var lag = new InstanceLagGauge();
        var settings = new IggyConsumerSettings
        {
            Stream = Stream,
            Topic = Topic,
            ConsumerGroup = Group,
            Partitions = _options.Partitions,
            BatchSize = _options.ConsumerBatchSize,
            PollInterval = _options.PollInterval,
        };

        // The instance's own services: the demo's handler, logging to the recorder as this instance.
        var handlers = new ServiceCollection()
            .AddSingleton(_recorder.LoggerFor<DemoMessageHandler>(instance, () => connection.ClientId))
            .AddScoped<IIggyMessageHandler<DemoMessage>, DemoMessageHandler>()
            .BuildServiceProvider();
        var consumer = new IggyConsumer<DemoMessage>(
            connection,
            settings,
            Serializer,
            handlers.GetRequiredService<IServiceScopeFactory>(),
            lag.Instrumentation,
            clock,
            _recorder.LoggerFor<IggyConsumer<DemoMessage>>(instance, () => connection.ClientId));
        var stopping = new CancellationTokenSource();
        _consumers[slot] = new WorkerProcess(instance, clock, connection, stopping, consumer.RunAsync(stopping.Token), lag, handlers);
    }

    private SimulatedConnection Connect(string instance, InstanceClock clock) => new(_server, clock, _faults, _calls, instance);

    private void StopEverything()
    {
        _producer?.Stop();
        foreach (var consumer in _consumers)
        {
            consumer?.Stop();
        }

        // Each stop delivered (outside a retry's wait, see WorkerProcess.Stop), then the shutdown graces run out on
        // the clock, so no run is left waiting on a timer.
        var workers = _consumers.Append(_producer).OfType<WorkerProcess>().ToList();
        var deliverBy = Elapsed + TimeSpan.FromMinutes(1);
        while (!workers.All(worker => worker.DeliverStop()) && Elapsed < deliverBy)
        {
            _clock.Advance(Step);
        }

        for (var i = 0; i < 20; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>
    /// Once every partition is committed and the members have read their partitions again (OwnedPartitionLag's
    /// refresh interval, plus a revocation check), each live consumer's lag gauge reports only partitions its member
    /// owns, each at lag 0, and, once it reports any, all of them: none it lost to the other, none of a session that
    /// ended. (A member that was served no message since it last joined cannot find itself and reports none.)
    /// </summary>
    private List<string> SettledLagViolations()
    {
        var settleUntil = Elapsed + ConsumerTimings.LagRefreshInterval + SimulatedIggyServer.RebalancingCheckInterval + (_options.PollInterval * 2);
        while (Elapsed < settleUntil)
        {
            _clock.Advance(Step);
        }

        var group = _server.Inspect(Stream, Topic).Groups[Group];
        var violations = new List<string>();
        foreach (var consumer in _consumers.OfType<WorkerProcess>())
        {
            var member = consumer.Connection.ClientId is { } clientId ? group.FindByClient(clientId)?.Member : null;
            var owned = (member?.Partitions ?? []).Select(partition => (uint)partition).Order().ToList();
            var reported = consumer.Lag!.Read();
            if (reported.Count > 0 && (!reported.Keys.Order().SequenceEqual(owned) || reported.Values.Any(lag => lag != 0)))
            {
                violations.Add($"{consumer.Instance} (client {consumer.Connection.ClientId}) reports lag {string.Join(", ", reported.OrderBy(pair => pair.Key).Select(pair => $"{pair.Key}:{pair.Value}"))} where its member owns {string.Join(", ", owned)}, all committed");
            }
        }

        return violations;
    }

    private SimulationResult Result(TimeSpan finishedAt, List<string> lagViolations)
    {
        var topic = _server.Inspect(Stream, Topic);
        var processed = _recorder.Processed;
        var allLost = Invariants.Lost(_calls.Acknowledged, processed).ToList();
        var lostInCrashes = allLost.Where(_lostInCrashes.Contains).ToList();
        var lost = allLost.Except(lostInCrashes).ToList();
        var perSession = Invariants.DuplicatesPerSession(processed);
        var perKill = Invariants.DuplicatesPerKill(_killedConsumers, perSession);
        var violations = new List<string>();
        if (lost.Count > 0)
        {
            violations.Add($"{lost.Count} acknowledged id(s) never processed, first {string.Join(", ", lost.Take(10))}");
        }

        violations.AddRange(perKill
            .Select((duplicates, kill) => (duplicates, kill))
            .Where(pair => pair.duplicates > _options.ConsumerBatchSize)
            .Select(pair => $"killing {_killedConsumers[pair.kill].Instance} (client {_killedConsumers[pair.kill].Session}) redelivered {pair.duplicates} messages, more than one poll batch ({_options.ConsumerBatchSize})"));
        violations.AddRange(perSession
            .Where(pair => pair.Value > _options.ConsumerBatchSize && !_killedConsumers.Contains(pair.Key))
            .OrderBy(pair => pair.Key.Session)
            .Select(pair => $"{pair.Key.Instance} as client {pair.Key.Session} (a session a drop or a restart ended, or still open) redelivered {pair.Value} messages, more than one poll batch ({_options.ConsumerBatchSize})"));
        // A crash gives later messages the lost ones' offsets, so offsets no longer say the log's order across it.
        if (_crashes == 0)
        {
            violations.AddRange(Invariants.OrderViolations(processed).Take(10));
        }

        violations.AddRange(Invariants.ReusedIds(topic).Take(10));
        violations.AddRange(Invariants.UnacknowledgedGaps(_calls.Acknowledged, topic).Take(10));
        violations.AddRange(_calls.StoresByNonOwners.Take(10));
        violations.AddRange(lagViolations);
        if (_calls.CallsOffTheDriverThread > 0)
        {
            violations.Add($"{_calls.CallsOffTheDriverThread} call(s) ran off the driver's thread: the run is not repeatable");
        }

        if (_clock.TimerUsesOffTheDriverThread > 0)
        {
            violations.Add($"{_clock.TimerUsesOffTheDriverThread} timer(s) were created, changed or disposed off the driver's thread: the run is not repeatable");
        }

        var redelivered = Invariants.RedeliveryDuplicates(processed);
        var unknownOutcome = Invariants.UnknownOutcomeDuplicates(processed);
        return new SimulationResult
        {
            Seed = _options.Seed,
            Sent = _calls.Attempted.Count,
            Acknowledged = _calls.Acknowledged.Count,
            ProcessedUnique = processed.Select(message => message.MessageId).Distinct().Count(),
            Lost = lost.Count,
            LostInCrashes = lostInCrashes.Count,
            ServerCrashes = _crashes,
            Duplicates = processed.Count - processed.Select(message => message.MessageId).Distinct().Count(),
            RedeliveryDuplicates = redelivered,
            UnknownOutcomeDuplicates = unknownOutcome,
            DuplicatesPerConsumerKill = perKill,
            ConsumerKills = _killedConsumers.Count,
            ProducerKills = _producerKills,
            ServerRestarts = _server.Restarts,
            ServerRestartsSurvived = _acknowledgedAtRestart.Count(before => before < _calls.Acknowledged.Count),
            UnknownOutcomeSends = _calls.UnknownOutcomeSends,
            FailedSends = _calls.FailedSends,
            InjectedCallFailures = _calls.Failures.Values.Sum(),
            SimulatedTime = finishedAt,
            Fingerprint = _calls.Fingerprint,
            Violations = violations,
            Trace = _options.Trace ? [.. _calls.Trace] : null,
        };
    }
}
