using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Iggy;

/// <summary>The dashboard states a stream, topic or consumer group goes through.</summary>
internal static class IggyEntityStates
{
    public const string Creating = "Creating";

    public static readonly ResourceStateSnapshot CreatingState = new(Creating, KnownResourceStateStyles.Info);

    public static readonly ResourceStateSnapshot RunningState = new(KnownResourceStates.Running, KnownResourceStateStyles.Success);

    public static readonly ResourceStateSnapshot FailedState = new(KnownResourceStates.FailedToStart, KnownResourceStateStyles.Error);
}
