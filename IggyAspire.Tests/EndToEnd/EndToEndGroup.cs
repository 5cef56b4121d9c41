namespace IggyAspire.Tests.EndToEnd;

/// <summary>
/// The end-to-end classes run one after another, never beside each other: each starts the whole app (a container and
/// three .NET processes), and two apps at once would compete for a small machine and stretch every wait. Unit tests,
/// including the ones in this folder, still run in parallel with them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class EndToEndGroup
{
    public const string Name = "End-to-end: the whole AppHost";

    /// <summary>
    /// Each end-to-end test's own limit, in milliseconds: above the harness's longest bounded waits (starting 5 minutes,
    /// each observation 2), so a hang the waits do not cover still ends the test with a failure, not the run.
    /// </summary>
    public const int TestTimeout = 15 * 60 * 1000;
}
