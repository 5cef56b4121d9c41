namespace IggyAspire.TestServer.Model;

/// <summary>
/// A partition an over-assigned member gives up to an idle one once it has committed what it polled
/// (core/server/src/metadata/consumer_group_member.rs:23-29, <c>PendingRevocation</c>).
/// </summary>
internal sealed record PendingRevocation(int PartitionId, int TargetSlab, int TargetMemberId, DateTimeOffset CreatedAt);
