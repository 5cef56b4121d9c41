using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Iggy;

/// <summary>What the provisioner, health checks and commands need from a stream, topic or consumer group.</summary>
internal interface IIggyEntityResource : IResource
{
    /// <summary>The server that holds the entity.</summary>
    IIggyServerResource Server { get; }

    IggyEntityStatus Status { get; }
}
