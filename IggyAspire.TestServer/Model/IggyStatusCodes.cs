using IggyAspire.Messaging.Transport;

namespace IggyAspire.TestServer.Model;

/// <summary>
/// The status codes the model answers with that the core does not name in <see cref="IggyErrorCodes"/>, with the
/// line of core/common/src/error/iggy_error.rs (tag server-0.8.0) that numbers each.
/// </summary>
internal static class IggyStatusCodes
{
    /// <summary>iggy_error.rs:214 <c>StreamIdNotFound = 1009</c>.</summary>
    public const int StreamNotFound = 1009;

    /// <summary>iggy_error.rs:230 <c>InvalidTopicSize = 1019</c>: a max topic size below the segment size.</summary>
    public const int InvalidTopicSize = 1019;

    /// <summary>iggy_error.rs:252 <c>TopicIdNotFound = 2010</c>.</summary>
    public const int TopicNotFound = 2010;

    /// <summary>iggy_error.rs:310 <c>NotResolvedConsumer = 3022</c>: a group store for a partition the member does not own.</summary>
    public const int NotResolvedConsumer = 3022;

    /// <summary>iggy_error.rs:417 <c>InvalidOffset = 4100</c>: storing past the partition's newest offset, or in an empty one.</summary>
    public const int InvalidOffset = 4100;

    /// <summary>iggy_error.rs:421 <c>ConsumerGroupIdNotFound = 5000</c>.</summary>
    public const int ConsumerGroupNotFound = 5000;
}
