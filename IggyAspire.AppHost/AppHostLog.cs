using Microsoft.Extensions.Logging;

/// <summary>What the AppHost itself logs.</summary>
internal static partial class AppHostLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Running the in-memory Iggy test server as 'iggy' instead of the apache/iggy container: it is not Iggy and keeps nothing. Use it only where Docker is missing.")]
    public static partial void TestServerInsteadOfIggy(ILogger logger);
}
