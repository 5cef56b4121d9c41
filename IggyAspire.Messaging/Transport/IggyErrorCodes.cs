namespace IggyAspire.Messaging.Transport;

/// <summary>Iggy 0.8.0 status codes the workers act on (from the server's <c>IggyError</c>).</summary>
public static class IggyErrorCodes
{
    public const int Unauthenticated = 40;
    public const int InvalidCredentials = 42;
    public const int StreamNameAlreadyExists = 1012;
    public const int TopicNameAlreadyExists = 2013;
    public const int PartitionNotFound = 3007;

    /// <summary>An offset store for a partition this group member does not own (consumer_offsets.rs:51 at server-0.8.0).</summary>
    public const int NotResolvedConsumer = 3022;
    public const int ConsumerGroupNameAlreadyExists = 5004;
    public const int ConsumerGroupMemberNotFound = 5006;

    /// <summary>
    /// Whether <paramref name="code"/> says this connection no longer owns the partition it stored an offset for: it left
    /// the group (5006) or the partition moved to another member (3022).
    /// </summary>
    public static bool IsLostOwnership(int code) => code is NotResolvedConsumer or ConsumerGroupMemberNotFound;

    /// <summary>Whether <paramref name="code"/> says a create found its stream, topic or group already there.</summary>
    public static bool IsAlreadyExists(int code) =>
        code is StreamNameAlreadyExists or TopicNameAlreadyExists or ConsumerGroupNameAlreadyExists;
}
