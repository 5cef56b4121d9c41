using System.ComponentModel;
using System.Diagnostics;

namespace IggyAspire.Tests.EndToEnd.Prerequisites;

/// <summary>How running a command line ended.</summary>
internal enum CommandStatus
{
    /// <summary>The program could not be started (not on PATH).</summary>
    NotFound,

    /// <summary>The program did not exit within the time allowed and was killed.</summary>
    TimedOut,

    /// <summary>The program exited; see <see cref="CommandOutcome.ExitCode"/>.</summary>
    Exited,
}

/// <summary>What running a command line gave: how it ended, its exit code and the first of its output.</summary>
internal sealed record CommandOutcome(CommandStatus Status, int ExitCode = 0, string Output = "")
{
    public bool Succeeded => Status == CommandStatus.Exited && ExitCode == 0;
}

/// <summary>Runs a command line with a time limit; the seam the prerequisite probes are tested through.</summary>
internal interface ICommandRunner
{
    Task<CommandOutcome> RunAsync(string fileName, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>Runs commands as child processes; kills one that outlives its time limit.</summary>
internal sealed class ProcessCommandRunner : ICommandRunner
{
    // Enough of stderr/stdout to say why a command failed, short enough for a skip reason.
    private const int MaxOutputLength = 300;

    public async Task<CommandOutcome> RunAsync(string fileName, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception)
        {
            return new CommandOutcome(CommandStatus.NotFound);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var standardOutput = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var standardError = process.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
            var output = $"{await standardError} {await standardOutput}".Trim();
            return new CommandOutcome(CommandStatus.Exited, process.ExitCode, output.Length > MaxOutputLength ? output[..MaxOutputLength] + "..." : output);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            return new CommandOutcome(CommandStatus.TimedOut);
        }
    }
}
