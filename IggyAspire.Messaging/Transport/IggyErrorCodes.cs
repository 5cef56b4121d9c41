namespace IggyAspire.Messaging.Transport;

/// <summary>Iggy 0.8.0 status codes the workers act on (from the server's <c>IggyError</c>).</summary>
public static class IggyErrorCodes
{
    /// <summary>The connection has not logged in.</summary>
    public const int Unauthenticated = 40;
    /// <summary>The user name or password is wrong.</summary>
    public const int InvalidCredentials = 42;
    /// <summary>A create found the stream there.</summary>
    public const int StreamNameAlreadyExists = 1012;
    /// <summary>A create found the topic there.</summary>
    public const int TopicNameAlreadyExists = 2013;
    /// <summary>The partition does not exist.</summary>
    public const int PartitionNotFound = 3007;

    /// <summary>An offset store for a partition this group member does not own (consumer_offsets.rs:51 at server-0.8.0).</summary>
    public const int NotResolvedConsumer = 3022;
    /// <summary>A create found the consumer group there.</summary>
    public const int ConsumerGroupNameAlreadyExists = 5004;
    /// <summary>This connection is not a member of the group (any more).</summary>
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
