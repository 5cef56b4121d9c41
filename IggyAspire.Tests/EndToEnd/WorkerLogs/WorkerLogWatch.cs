using Aspire.Hosting.ApplicationModel;

namespace IggyAspire.Tests.EndToEnd.WorkerLogs;

/// <summary>
/// Follows the console logs of worker instances through Aspire's <see cref="ResourceLoggerService"/> (each instance by
/// its resource id, such as <c>consumer-abcd1234</c>, so every line knows which replica wrote it) and parses the lines
/// the tests read. Under Aspire.Hosting.Testing the logs are kept from each instance's start, so a watch started late
/// still sees everything. Tests wait for a condition on what has arrived; every wait is bounded and wakes on new
/// lines, never on a timer.
/// </summary>
internal sealed class WorkerLogWatch : IAsyncDisposable
{
    private const int RecentLinesKept = 40;

    private readonly Lock _lock = new();
    private readonly List<WorkerLogEvent> _events = [];
    private readonly Queue<string> _recentLines = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task[] _readers;
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WorkerLogWatch(ResourceLoggerService logs, IEnumerable<string> instances) =>
        _readers = [.. instances.Select(instance => Task.Run(() => ReadAsync(logs, instance)))];

    public static WorkerLogWatch Start(ResourceLoggerService logs, IEnumerable<string> instances) => new(logs, instances);

    public WorkerLogSnapshot Snapshot()
    {
        lock (_lock)
        {
            return new WorkerLogSnapshot([.. _events]);
        }
    }

    /// <summary>
    /// Returns the first snapshot that satisfies <paramref name="condition"/>; throws a <see cref="TimeoutException"/>
    /// naming <paramref name="what"/> and showing the last lines received when <paramref name="timeout"/> passes first.
    /// </summary>
    public async Task<WorkerLogSnapshot> WaitUntilAsync(Func<WorkerLogSnapshot, bool> condition, string what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            Task arrived;
            WorkerLogSnapshot snapshot;
            lock (_lock)
            {
                snapshot = new WorkerLogSnapshot([.. _events]);
                arrived = _arrived.Task;
            }

            if (condition(snapshot))
            {
                return snapshot;
            }

            try
            {
                await arrived.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Waited {timeout} for {what}. Last worker log lines:{Environment.NewLine}{RecentLines()}");
            }
        }
    }

    public string RecentLines()
    {
        lock (_lock)
        {
            return string.Join(Environment.NewLine, _recentLines);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_readers);
        _stopping.Dispose();
    }

    private async Task ReadAsync(ResourceLoggerService logs, string instance)
    {
        var generation = 0;
        try
        {
            await foreach (var batch in logs.WatchAsync(instance).WithCancellation(_stopping.Token))
            {
                lock (_lock)
                {
                    foreach (var line in batch)
                    {
                        Remember($"[{instance}] {line.Content}");
                        if (WorkerLogLine.Parse(line.Content) is not { } parsed)
                        {
                            continue;
                        }

                        if (parsed is ConsumerStartedLine or ProducerStartedLine)
                        {
                            generation++;
                        }

                        _events.Add(new WorkerLogEvent(_events.Count, instance, generation, parsed));
                    }

                    _arrived.TrySetResult();
                    _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The watch is being disposed.
        }
    }

    private void Remember(string line)
    {
        _recentLines.Enqueue(line);
        if (_recentLines.Count > RecentLinesKept)
        {
            _recentLines.Dequeue();
        }
    }
}
