using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using IggyAspire.Simulation.Driver;

namespace IggyAspire.Simulation;

/// <summary>The report command's arguments: what each seed's run does, and which seeds.</summary>
internal sealed record ReportOptions(int FirstSeed, int Seeds, SimulationOptions Run)
{
    public const string Usage =
        "Usage: dotnet run --project IggyAspire.Simulation -- [--messages N] [--kills N] [--restarts N] [--crashes N] [--save-every N] [--producer-kills N] [--drops N] [--seeds N] [--seed S] [--trace]\n" +
        "  --messages        acknowledged ids per run before production stops (default 300)\n" +
        "  --kills           consumer kills per run (default 2)\n" +
        "  --restarts        server restarts per run (default 1)\n" +
        "  --crashes         server crashes per run: killed, unsaved messages lost (default 0)\n" +
        "  --save-every      the server's messages_required_to_save (default 1024; 1 saves each send)\n" +
        "  --producer-kills  producer kills per run (default 1)\n" +
        "  --drops           dropped connections per run (default 2)\n" +
        "  --seeds           how many consecutive seeds to run (default 1)\n" +
        "  --seed            the first seed (default 1); a failing seed is replayed with --seed S --seeds 1\n" +
        "  --trace           print each seed's trace first: every call (client, arguments, outcome), connection, kill,\n" +
        "                    restart and group assignment, with the simulated time";

    public static bool TryParse(IReadOnlyList<string> args, [NotNullWhen(true)] out ReportOptions? options, [NotNullWhen(false)] out string? error)
    {
        var values = new Dictionary<string, int>
        {
            ["--messages"] = 300,
            ["--kills"] = 2,
            ["--restarts"] = 1,
            ["--crashes"] = 0,
            ["--save-every"] = 1024,
            ["--producer-kills"] = 1,
            ["--drops"] = 2,
            ["--seeds"] = 1,
            ["--seed"] = 1,
        };
        var trace = args.Contains("--trace");
        args = [.. args.Where(arg => arg != "--trace")];
        for (var i = 0; i < args.Count; i += 2)
        {
            if (!values.ContainsKey(args[i]))
            {
                (options, error) = (null, $"Unknown option '{args[i]}'.");
                return false;
            }

            if (i + 1 >= args.Count || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                (options, error) = (null, $"{args[i]} needs a whole number of 0 or more.");
                return false;
            }

            values[args[i]] = value;
        }

        if (values["--messages"] < 1 || values["--seeds"] < 1 || values["--save-every"] < 1)
        {
            (options, error) = (null, "--messages, --seeds and --save-every must be at least 1.");
            return false;
        }

        var run = new SimulationOptions
        {
            Messages = values["--messages"],
            ConsumerKills = values["--kills"],
            ServerRestarts = values["--restarts"],
            ServerCrashes = values["--crashes"],
            MessagesRequiredToSave = values["--save-every"],
            ProducerKills = values["--producer-kills"],
            ConnectionDrops = values["--drops"],
            Trace = trace,
        };
        (options, error) = (new ReportOptions(values["--seed"], values["--seeds"], run), null);
        return true;
    }
}
