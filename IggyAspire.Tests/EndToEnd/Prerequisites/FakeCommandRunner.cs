namespace IggyAspire.Tests.EndToEnd.Prerequisites;

/// <summary>Answers each program with a set outcome (not found when unset) and records what was run.</summary>
internal sealed class FakeCommandRunner(IReadOnlyDictionary<string, CommandOutcome> outcomes) : ICommandRunner
{
    public List<string> Ran { get; } = [];

    public Task<CommandOutcome> RunAsync(string fileName, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        lock (Ran)
        {
            Ran.Add($"{fileName} {string.Join(' ', arguments)}");
        }

        return Task.FromResult(outcomes.GetValueOrDefault(fileName) ?? new CommandOutcome(CommandStatus.NotFound));
    }
}
