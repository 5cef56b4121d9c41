namespace IggyAspire.Simulation.Faults;

/// <summary>What goes wrong with one call to the simulated server.</summary>
internal enum FaultKind
{
    None,

    /// <summary>The request never reaches the server: nothing happened there.</summary>
    FailBeforeApplying,

    /// <summary>The server applied the request but the answer is lost: the caller cannot tell (unknown outcome).</summary>
    FailAfterApplying,
}
