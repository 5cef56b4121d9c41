using IggyAspire.Messaging.Resilience;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace IggyAspire.UnitTests.Messaging;

public sealed class TransientRetryTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task A_call_that_keeps_failing_is_tried_six_times_then_its_failure_reaches_the_caller()
    {
        var attempts = new List<DateTimeOffset>();
        var retry = TransientRetry.Create("Testing", new IggyAspire.Messaging.IggyRetrySettings(), _time, NullLogger.Instance);

        var call = retry.ExecuteAsync(_ => FailAsync(attempts), TestContext.Current.CancellationToken).AsTask();

        await Assert.ThrowsAsync<IOException>(() => Clock.RunAsync(_time, call, TimeSpan.FromMilliseconds(50)));
        // The first call and five retries: a change of the retry count shows here, not only in the constant.
        Assert.Equal(6, attempts.Count);
    }

    [Fact]
    public async Task No_retry_comes_before_the_clock_moves()
    {
        var attempts = new List<DateTimeOffset>();
        var retry = TransientRetry.Create("Testing", new IggyAspire.Messaging.IggyRetrySettings(), _time, NullLogger.Instance);

        var call = retry.ExecuteAsync(_ => FailAsync(attempts), TestContext.Current.CancellationToken).AsTask();

        // The fake clock stands still: a retry with a real backoff waits on it, one without would already be done.
        Assert.Single(attempts);
        Assert.False(call.IsCompleted, "every retry ran without waiting");
        await Assert.ThrowsAsync<IOException>(() => Clock.RunAsync(_time, call, TimeSpan.FromMilliseconds(50)));
        Assert.All(attempts.Zip(attempts.Skip(1), (earlier, later) => later - earlier), gap => Assert.True(gap > TimeSpan.Zero, $"a retry came {gap} after the failure"));
    }

    [Fact]
    public async Task Cancellation_is_shutdown_and_is_not_retried()
    {
        var attempts = 0;
        var retry = TransientRetry.Create("Testing", new IggyAspire.Messaging.IggyRetrySettings(), _time, NullLogger.Instance);

        await Assert.ThrowsAsync<OperationCanceledException>(() => retry.ExecuteAsync(_ =>
        {
            attempts++;
            throw new OperationCanceledException();
        }, TestContext.Current.CancellationToken).AsTask());

        Assert.Equal(1, attempts);
    }

    private ValueTask FailAsync(List<DateTimeOffset> attempts)
    {
        attempts.Add(_time.GetUtcNow());
        throw new IOException("transient (fake)");
    }

    [Fact]
    public async Task Zero_retries_gives_the_first_failure_to_the_caller_at_once()
    {
        var attempts = new List<DateTimeOffset>();
        var retry = TransientRetry.Create("Testing", new IggyAspire.Messaging.IggyRetrySettings { MaxRetryAttempts = 0 }, _time, NullLogger.Instance);

        await Assert.ThrowsAsync<IOException>(() => retry.ExecuteAsync(_ => FailAsync(attempts), TestContext.Current.CancellationToken).AsTask());

        Assert.Single(attempts);
    }
}
