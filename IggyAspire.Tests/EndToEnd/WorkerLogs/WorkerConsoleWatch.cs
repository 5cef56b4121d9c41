using Aspire.Hosting.ApplicationModel;

namespace IggyAspire.Tests.EndToEnd.WorkerLogs;

/// <summary>One console line of a worker instance, as written (the category line, colour codes and all).</summary>
internal sealed record WorkerConsoleLine(string Instance, string Content);

/// <summary>
/// Follows the raw console lines of worker instances, for what <see cref="WorkerLogWatch"/> does not keep: the text of
/// a consumed message, and the lines the workers' topology check writes ("Created topic ..." or "Found topic ...
/// already there"). Like <see cref="WorkerLogWatch"/>, it reads each instance's log from the instance's start (kept
/// under Aspire.Hosting.Testing), and every wait is bounded and wakes on new lines.
/// </summary>
internal sealed class WorkerConsoleWatch : IAsyncDisposable
{
    private const int RecentLinesShown = 40;

    private readonly Lock _lock = new();
    private readonly List<WorkerConsoleLine> _lines = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task[] _readers;
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WorkerConsoleWatch(ResourceLoggerService logs, IEnumerable<string> instances) =>
        _readers = [.. instances.Select(instance => Task.Run(() => ReadAsync(logs, instance)))];

    public static WorkerConsoleWatch Start(ResourceLoggerService logs, IEnumerable<string> instances) => new(logs, instances);

    /// <summary>
    /// Returns the lines received so far once they satisfy <paramref name="condition"/>; throws a
    /// <see cref="TimeoutException"/> naming <paramref name="what"/> and showing the last lines when
    /// <paramref name="timeout"/> passes first.
    /// </summary>
    public async Task<IReadOnlyList<WorkerConsoleLine>> WaitUntilAsync(Func<IReadOnlyList<WorkerConsoleLine>, bool> condition, string what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            Task arrived;
            WorkerConsoleLine[] lines;
            lock (_lock)
            {
                lines = [.. _lines];
                arrived = _arrived.Task;
            }

            if (condition(lines))
            {
                return lines;
            }

            try
            {
                await arrived.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                var recent = string.Join(Environment.NewLine, lines.TakeLast(RecentLinesShown).Select(line => $"[{line.Instance}] {line.Content}"));
                throw new TimeoutException($"Waited {timeout} for {what}. Last worker console lines:{Environment.NewLine}{recent}");
            }
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
        try
        {
            await foreach (var batch in logs.WatchAsync(instance).WithCancellation(_stopping.Token))
            {
                lock (_lock)
                {
                    _lines.AddRange(batch.Select(line => new WorkerConsoleLine(instance, line.Content)));
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
}
