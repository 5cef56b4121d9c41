namespace Aspire.Hosting.Iggy;

/// <summary>An entity exists on the server, but not as the AppHost declares it (a topic's partition count).</summary>
internal sealed class IggyTopologyMismatchException(string message) : Exception(message);
