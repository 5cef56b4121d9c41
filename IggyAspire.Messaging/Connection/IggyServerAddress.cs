namespace IggyAspire.Messaging.Connection;

/// <summary>Where the Iggy server's TCP listener is.</summary>
public sealed record IggyServerAddress(string Host, int Port)
{
    /// <summary><c>host:port</c>, the form Apache.Iggy's TCP client takes as its base address.</summary>
    public override string ToString() => $"{Host}:{Port}";
}
