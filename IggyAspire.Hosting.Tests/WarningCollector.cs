using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace IggyAspire.Hosting.Tests;

/// <summary>Collects every warning or error logged through it, formatted.</summary>
internal sealed class WarningCollector : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _warnings = new();

    public IEnumerable<string> Warnings => _warnings;

    public ILogger CreateLogger(string categoryName) => new Logger(_warnings);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<string> warnings) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                warnings.Enqueue(formatter(state, exception));
            }
        }
    }
}
