namespace Aspire.Hosting.Iggy;

/// <summary>The <c>IggyError</c> codes (the <c>id</c> of an HTTP error body) the integration acts on.</summary>
internal static class IggyErrorIds
{
    /// <summary>StreamNameAlreadyExists, core/common/src/error/iggy_error.rs:220.</summary>
    public const uint StreamNameAlreadyExists = 1012;

    /// <summary>TopicNameAlreadyExists, core/common/src/error/iggy_error.rs:256.</summary>
    public const uint TopicNameAlreadyExists = 2013;

    /// <summary>ConsumerGroupNameAlreadyExists, core/common/src/error/iggy_error.rs:427.</summary>
    public const uint ConsumerGroupNameAlreadyExists = 5004;
}
