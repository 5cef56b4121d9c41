using System.Globalization;
using IggyAspire.Simulation.Driver;

namespace IggyAspire.Simulation;

/// <summary>The figures of many seeds' runs, summed, with the seeds that broke an invariant.</summary>
internal sealed class SimulationReport
{
    private readonly List<SimulationResult> _results = [];

    private SimulationReport(ReportOptions options) => Options = options;

    public ReportOptions Options { get; }

    public IReadOnlyList<SimulationResult> Failed => [.. _results.Where(result => !result.Passed)];

    /// <summary>Runs every seed; a failing seed is written to <paramref name="progress"/> as soon as it fails.</summary>
    public static SimulationReport Run(ReportOptions options, TextWriter progress)
    {
        var report = new SimulationReport(options);
        for (var seed = options.FirstSeed; seed < options.FirstSeed + options.Seeds; seed++)
        {
            var result = SimulationRun.Execute(options.Run with { Seed = seed });
            report._results.Add(result);
            foreach (var line in result.Trace ?? [])
            {
                progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seed {seed} {line}"));
            }

            if (!result.Passed)
            {
                progress.WriteLine($"seed {seed} FAILED (replay: --seed {seed} --seeds 1): {string.Join("; ", result.Violations)}");
            }
        }

        return report;
    }

    public void Print(TextWriter output, TimeSpan wallTime)
    {
        var run = Options.Run;
        string Line(string name, object value) => string.Create(CultureInfo.InvariantCulture, $"  {name,-44} {value}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Simulation of Iggy 0.8.0: seeds {Options.FirstSeed}..{Options.FirstSeed + Options.Seeds - 1}, {run.Messages} messages, {run.ConsumerKills} consumer kills, {run.ProducerKills} producer kills, {run.ServerRestarts} server restarts, {run.ServerCrashes} server crashes (messages_required_to_save {run.MessagesRequiredToSave}), {run.ConnectionDrops} dropped connections per seed"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  ({run.Partitions} partitions, producer {run.ProducerBatchSize} per {run.ProducerInterval.TotalMilliseconds} ms, 2 consumers polling {run.ConsumerBatchSize} per {run.PollInterval.TotalMilliseconds} ms; totals over all seeds)"));
        output.WriteLine(Line("sent (distinct ids)", _results.Sum(result => result.Sent)));
        output.WriteLine(Line("acknowledged", _results.Sum(result => result.Acknowledged)));
        output.WriteLine(Line("processed (unique)", _results.Sum(result => result.ProcessedUnique)));
        output.WriteLine(Line("lost (acknowledged, never processed)", _results.Sum(result => result.Lost)));
        output.WriteLine(Line("lost in crashes (acknowledged, not saved)", _results.Sum(result => result.LostInCrashes)));
        output.WriteLine(Line("duplicates (total)", _results.Sum(result => result.Duplicates)));
        output.WriteLine(Line("  from redelivery (batch not committed)", _results.Sum(result => result.RedeliveryDuplicates)));
        output.WriteLine(Line("  from unknown-outcome sends", _results.Sum(result => result.UnknownOutcomeDuplicates)));
        output.WriteLine(Line("consumer kills", _results.Sum(result => result.ConsumerKills)));
        output.WriteLine(Line("duplicates per consumer kill (worst)", _results.Max(result => result.WorstDuplicatesPerConsumerKill)));
        output.WriteLine(Line("duplicates per consumer kill (mean)", Mean(_results.SelectMany(result => result.DuplicatesPerConsumerKill))));
        output.WriteLine(Line("producer kills", _results.Sum(result => result.ProducerKills)));
        output.WriteLine(Line("server restarts", _results.Sum(result => result.ServerRestarts)));
        output.WriteLine(Line("server restarts survived (producer resumed)", _results.Sum(result => result.ServerRestartsSurvived)));
        output.WriteLine(Line("server crashes", _results.Sum(result => result.ServerCrashes)));
        output.WriteLine(Line("unknown-outcome sends", _results.Sum(result => result.UnknownOutcomeSends)));
        output.WriteLine(Line("send calls failed (replay broke too)", _results.Sum(result => result.FailedSends)));
        output.WriteLine(Line("injected call failures", _results.Sum(result => result.InjectedCallFailures)));
        output.WriteLine(Line("simulated time (mean per seed)", TimeSpan.FromTicks((long)_results.Average(result => result.SimulatedTime.Ticks)).ToString(@"hh\:mm\:ss\.f", CultureInfo.InvariantCulture)));
        output.WriteLine(Line("wall time", wallTime.ToString(@"mm\:ss\.f", CultureInfo.InvariantCulture)));
        output.WriteLine(Line("seeds passed", $"{_results.Count - Failed.Count} of {_results.Count}"));
    }

    private static string Mean(IEnumerable<int> values)
    {
        var list = values.ToList();
        return list.Count == 0 ? "-" : list.Average().ToString("0.0", CultureInfo.InvariantCulture);
    }
}
