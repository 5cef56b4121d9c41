using Microsoft.Extensions.Time.Testing;

namespace IggyAspire.UnitTests.Messaging;

/// <summary>Moves a <see cref="FakeTimeProvider"/> forward until a task finishes: retries and timers run without real waiting.</summary>
internal static class Clock
{
    public static async Task<T> RunAsync<T>(FakeTimeProvider time, Task<T> task, TimeSpan step)
    {
        await RunAsync(time, (Task)task, step);
        return await task;
    }

    public static async Task RunAsync(FakeTimeProvider time, Task task, TimeSpan step)
    {
        for (var i = 0; i < 10_000 && !task.IsCompleted; i++)
        {
            time.Advance(step);
            await Task.Yield();
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }

        await task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    /// <summary>Reads the next item a fake wrote, waiting at most a few seconds of real time.</summary>
    public static async Task<T> NextAsync<T>(System.Threading.Channels.Channel<T> channel) =>
        await channel.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

    /// <summary>
    /// Reads the next item a fake wrote, moving the clock by <paramref name="step"/> while none is there: for waits
    /// (backoff, poll interval) that start at a moment the test cannot observe.
    /// </summary>
    public static async Task<T> NextAdvancingAsync<T>(System.Threading.Channels.Channel<T> channel, FakeTimeProvider time, TimeSpan step)
    {
        for (var i = 0; i < 10_000; i++)
        {
            if (channel.Reader.TryRead(out var item))
            {
                return item;
            }

            time.Advance(step);
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException("The fake transport saw no call while the clock moved.");
    }
}
