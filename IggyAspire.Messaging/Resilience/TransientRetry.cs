using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace IggyAspire.Messaging.Resilience;

/// <summary>The retry with exponential backoff every Iggy call of the workers goes through (Polly, on the host's clock).</summary>
internal static partial class TransientRetry
{
    /// <summary>How many times a failed call is tried again before the failure reaches the caller.</summary>
    public const int MaxRetryAttempts = 5;

    /// <summary>The first backoff; each further one doubles, with jitter.</summary>
    public static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(200);

    /// <param name="operation">What the calls do, for the retry log.</param>
    /// <param name="timeProvider">The host's clock, which the backoff waits on.</param>
    /// <param name="logger">Where each retry is logged.</param>
    /// <param name="isFinal">Failures that no retry can mend; they reach the caller at once.</param>
    public static ResiliencePipeline Create(string operation, TimeProvider timeProvider, ILogger logger, Func<Exception, bool>? isFinal = null) =>
        new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                // Cancellation is shutdown, not a fault to retry.
                ShouldHandle = new PredicateBuilder().Handle<Exception>(exception => exception is not OperationCanceledException && isFinal?.Invoke(exception) != true),
                MaxRetryAttempts = MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = FirstDelay,
                OnRetry = arguments =>
                {
                    LogRetry(logger, arguments.Outcome.Exception, operation, arguments.AttemptNumber + 1, arguments.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Operation} failed; retry {Attempt} in {Delay}")]
    private static partial void LogRetry(ILogger logger, Exception? exception, string operation, int attempt, TimeSpan delay);
}
