using System.Globalization;

namespace IggyAspire.Simulation.Model;

/// <summary>
/// What the simulated connections saw: the ids each send call carried and which of them the producer saw
/// acknowledged, which were appended with an unknown outcome, and a running hash of every call in order, so two runs of
/// one seed can be compared call by call. Also counts calls made off the driver's thread, which would make a run
/// depend on thread timing instead of the seed. With <see cref="StartTrace"/>, also keeps a readable line per call and
/// per event (the report's <c>--trace</c>); the trace's details do not enter the fingerprint.
/// </summary>
internal sealed class CallLog(int driverThreadId)
{
    // FNV-1a, 64 bits: enough to tell two call sequences apart, and needs no package.
    private const ulong FnvPrime = 1099511628211;
    private ulong _hash = 14695981039346656037;
    private List<string>? _trace;
    private DateTimeOffset _traceStart;

    public HashSet<long> Attempted { get; } = [];

    public HashSet<long> Acknowledged { get; } = [];

    /// <summary>Sends appended whose answer was lost: the producer sends those ids again, so they may be in the log twice.</summary>
    public int UnknownOutcomeSends { get; private set; }

    /// <summary>Injected failures by call and kind (a status answer such as "already exists" is not one).</summary>
    public Dictionary<string, int> Failures { get; } = [];

    public int CallsOffTheDriverThread { get; private set; }

    public int Calls { get; private set; }

    public ulong Fingerprint => _hash;

    /// <summary>The trace lines, oldest first; empty unless <see cref="StartTrace"/> was called.</summary>
    public IReadOnlyList<string> Trace => _trace ?? [];

    /// <summary>Keeps a trace from now on, its times counted from <paramref name="start"/>.</summary>
    public void StartTrace(DateTimeOffset start)
    {
        _trace = [];
        _traceStart = start;
    }

    /// <summary>A line of the trace that is no call (a kill, a rebalance, a consumer's log); nothing without a trace.</summary>
    public void Note(DateTimeOffset at, string owner, string text) =>
        _trace?.Add(string.Create(CultureInfo.InvariantCulture, $"{(at - _traceStart).TotalMilliseconds,9:0} ms  {owner,-13} {text}"));

    /// <summary>One call and its outcome, into the fingerprint; the trace also shows <paramref name="detail"/> (the call's arguments, the offsets polled).</summary>
    public void Record(DateTimeOffset at, string owner, string call, string outcome, string? detail = null)
    {
        Note(at, owner, detail is null ? $"{call}: {outcome}" : $"{call} {detail}: {outcome}");
        Calls++;
        if (Environment.CurrentManagedThreadId != driverThreadId)
        {
            CallsOffTheDriverThread++;
        }

        foreach (var character in $"{at.ToUnixTimeMilliseconds()}|{owner}|{call}|{outcome}\n")
        {
            _hash = (_hash ^ character) * FnvPrime;
        }
    }

    /// <summary>Stores the server accepted from a member that neither owned nor was giving up the partition.</summary>
    public List<string> StoresByNonOwners { get; } = [];

    public void StoredByNonOwner(string what) => StoresByNonOwners.Add(what);

    public void Failed(string what) => Failures[what] = Failures.GetValueOrDefault(what) + 1;

    public void UnknownOutcome() => UnknownOutcomeSends++;

    /// <summary>Send calls that failed to the producer: the connection broke, and again on the SDK's replay.</summary>
    public int FailedSends { get; private set; }

    public void SendFailed() => FailedSends++;
}
