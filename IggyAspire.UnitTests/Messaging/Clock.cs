using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace IggyAspire.UnitTests.Messaging;

/// <summary>
/// Moves a <see cref="FakeTimeProvider"/> forward until what a test waits for has happened, so retries, backoff and
/// timers run without real waiting. Between steps it yields a millisecond so the continuations the fake clock
/// released can run on the thread pool; nothing is timed.
/// </summary>
internal static class Clock
{
    private const int MaxSteps = 10_000;

    /// <summary>Advances the clock by <paramref name="step"/> until <paramref name="done"/> is true; false if it never became so.</summary>
    public static async Task<bool> AdvanceUntilAsync(FakeTimeProvider time, Func<bool> done, TimeSpan step)
    {
        for (var i = 0; i < MaxSteps; i++)
        {
            if (done())
            {
                return true;
            }

            time.Advance(step);
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }

        return done();
    }

    /// <summary>Advances the clock until <paramref name="task"/> finishes, then awaits it.</summary>
    public static async Task RunAsync(FakeTimeProvider time, Task task, TimeSpan step)
    {
        await AdvanceUntilAsync(time, () => task.IsCompleted, step);
        await task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    /// <summary>Reads the next item a fake wrote, waiting at most a few seconds of real time.</summary>
    public static async Task<T> NextAsync<T>(Channel<T> channel) =>
        await channel.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

    /// <summary>
    /// Reads the next item a fake wrote, moving the clock while none is there: for waits (backoff, poll interval)
    /// that start at a moment the test cannot observe.
    /// </summary>
    public static async Task<T> NextAdvancingAsync<T>(Channel<T> channel, FakeTimeProvider time, TimeSpan step)
    {
        T? item = default;
        return await AdvanceUntilAsync(time, () => channel.Reader.TryRead(out item), step)
            ? item!
            : throw new TimeoutException("The fake transport saw no call while the clock moved.");
    }
}
