using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace IggyAspire.Messaging.Resilience;

/// <summary>The retry with exponential backoff every Iggy call of a producer or consumer goes through (Polly, on the host's clock).</summary>
internal static partial class TransientRetry
{
    /// <param name="operation">What the calls do, for the retry log.</param>
    /// <param name="settings">How many retries, and the first backoff.</param>
    /// <param name="timeProvider">The host's clock, which the backoff waits on.</param>
    /// <param name="logger">Where each retry is logged.</param>
    /// <param name="isFinal">Failures that no retry can mend; they reach the caller at once.</param>
    public static ResiliencePipeline Create(string operation, IggyRetrySettings settings, TimeProvider timeProvider, ILogger logger, Func<Exception, bool>? isFinal = null)
    {
        if (settings.MaxRetryAttempts == 0)
        {
            return ResiliencePipeline.Empty;
        }

        return new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                // Cancellation is shutdown, not a fault to retry.
                ShouldHandle = new PredicateBuilder().Handle<Exception>(exception => exception is not OperationCanceledException && isFinal?.Invoke(exception) != true),
                MaxRetryAttempts = settings.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.Delay,
                OnRetry = arguments =>
                {
                    LogRetry(logger, arguments.Outcome.Exception, operation, arguments.AttemptNumber + 1, arguments.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Operation} failed; retry {Attempt} in {Delay}")]
    private static partial void LogRetry(ILogger logger, Exception? exception, string operation, int attempt, TimeSpan delay);
}
