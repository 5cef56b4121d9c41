namespace IggyAspire.Simulation.Driver;

/// <summary>The figures of one run and the invariants it broke (none, when it passed).</summary>
internal sealed record SimulationResult
{
    public required int Seed { get; init; }

    /// <summary>Distinct ids the producer tried to send.</summary>
    public required int Sent { get; init; }

    /// <summary>Distinct ids of a send the producer saw succeed.</summary>
    public required int Acknowledged { get; init; }

    /// <summary>Distinct ids the consumers processed.</summary>
    public required int ProcessedUnique { get; init; }

    /// <summary>Acknowledged ids no consumer processed, except those a server crash took before they were saved.</summary>
    public required int Lost { get; init; }

    /// <summary>Acknowledged ids no consumer processed that a server crash took from the log before they were saved.</summary>
    public required int LostInCrashes { get; init; }

    public required int ServerCrashes { get; init; }

    /// <summary>Processings beyond the first, per id: <see cref="RedeliveryDuplicates"/> + <see cref="UnknownOutcomeDuplicates"/>.</summary>
    public required int Duplicates { get; init; }

    /// <summary>The same log entry (partition and offset) processed again: a batch processed but not committed.</summary>
    public required int RedeliveryDuplicates { get; init; }

    /// <summary>An id processed from two log entries: a send whose answer was lost, sent again, appended twice.</summary>
    public required int UnknownOutcomeDuplicates { get; init; }

    /// <summary>Per kill: log entries the killed instance processed in the session the kill ended that another session processed again.</summary>
    public required IReadOnlyList<int> DuplicatesPerConsumerKill { get; init; }

    public int WorstDuplicatesPerConsumerKill => DuplicatesPerConsumerKill.DefaultIfEmpty(0).Max();

    public required int ConsumerKills { get; init; }

    public required int ProducerKills { get; init; }

    public required int ServerRestarts { get; init; }

    /// <summary>Server restarts after which the producer got a send acknowledged again without help.</summary>
    public required int ServerRestartsSurvived { get; init; }

    public required int UnknownOutcomeSends { get; init; }

    /// <summary>Send calls that failed to the producer (the connection broke, and again on the SDK's replay): it sends those ids again.</summary>
    public required int FailedSends { get; init; }

    public required int InjectedCallFailures { get; init; }

    /// <summary>Simulated time from start until every message was processed and committed (or the run gave up).</summary>
    public required TimeSpan SimulatedTime { get; init; }

    /// <summary>A hash of every call in order: equal for two runs of one seed.</summary>
    public required ulong Fingerprint { get; init; }

    public required IReadOnlyList<string> Violations { get; init; }

    /// <summary>With <see cref="SimulationOptions.Trace"/>: every call (client, arguments, outcome), connection, kill, restart and group assignment, in order.</summary>
    public IReadOnlyList<string>? Trace { get; init; }

    public bool Passed => Violations.Count == 0;
}
