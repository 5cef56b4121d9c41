namespace IggyAspire.TestServer.Model;

/// <summary>
/// One connection's membership of a consumer group (core/server/src/metadata/consumer_group_member.rs:39-57): the
/// client it belongs to, its partitions, its round-robin poll index and the partitions it is giving up.
/// </summary>
internal sealed class SimulatedGroupMember(int id, long clientId)
{
    public int Id { get; } = id;

    public long ClientId { get; } = clientId;

    public List<int> Partitions { get; } = [];

    public int PartitionIndex { get; set; }

    public List<PendingRevocation> PendingRevocations { get; } = [];

    public bool IsRevoking(int partitionId) => PendingRevocations.Exists(revocation => revocation.PartitionId == partitionId);
}
