using System.Diagnostics;
using IggyAspire.Simulation;

// The report command of issue 13: runs the simulation over consecutive seeds and prints the figures.
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(ReportOptions.Usage);
    return 0;
}

if (!ReportOptions.TryParse(args, out var options, out var error))
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(ReportOptions.Usage);
    return 2;
}

var stopwatch = Stopwatch.StartNew();
var report = SimulationReport.Run(options, Console.Out);
stopwatch.Stop();
report.Print(Console.Out, stopwatch.Elapsed);
return report.Failed.Count == 0 ? 0 : 1;
