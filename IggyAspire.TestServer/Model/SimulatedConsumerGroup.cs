namespace IggyAspire.TestServer.Model;

/// <summary>
/// A consumer group's membership and partition assignment, as core/server/src/metadata/consumer_group.rs (tag
/// server-0.8.0) keeps it. Members sit in slots like the <c>slab</c> crate's: iteration in slot order, and an insert
/// reuses the slot freed last.
/// </summary>
internal sealed class SimulatedConsumerGroup(string name, int partitionCount)
{
    private readonly List<SimulatedGroupMember?> _slots = [];
    private readonly Stack<int> _vacant = new();

    public string Name { get; } = name;

    /// <summary>The group's id in its topic: its slab key, 0-based in creation order (metadata/absorb.rs:235-247).</summary>
    public uint Id { get; init; }

    public IReadOnlyList<int> Partitions { get; } = Enumerable.Range(0, partitionCount).ToArray();

    public IEnumerable<(int Slab, SimulatedGroupMember Member)> Members =>
        _slots.Select((member, slab) => (slab, member)).Where(entry => entry.member is not null).Select(entry => (entry.slab, entry.member!));

    public (int Slab, SimulatedGroupMember Member)? FindByClient(long clientId)
    {
        foreach (var entry in Members)
        {
            if (entry.Member.ClientId == clientId)
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>
    /// Joins <paramref name="clientId"/>: members of clients that are gone are dropped first (absorb.rs:284-295), a
    /// new member gets the highest id + 1 (absorb.rs:297-303), and only a new member triggers the cooperative
    /// rebalance (absorb.rs:309-313): joining again is a no-op.
    /// </summary>
    public void Join(long clientId, IReadOnlySet<long> liveClients, DateTimeOffset now)
    {
        foreach (var (slab, member) in Members.ToList())
        {
            if (!liveClients.Contains(member.ClientId))
            {
                RemoveSlot(slab);
            }
        }

        if (FindByClient(clientId) is not null)
        {
            return;
        }

        var nextId = Members.Select(entry => entry.Member.Id).DefaultIfEmpty(-1).Max() + 1;
        InsertSlot(new SimulatedGroupMember(nextId, clientId));
        RebalanceCooperative(now);
    }

    /// <summary>
    /// Removes the client's member and redistributes everything (absorb.rs:336-354, rebalance_members); the polled
    /// offsets of its partitions are forgotten (absorb.rs:356-363).
    /// </summary>
    /// <returns>The partitions the member had, or null when the client was not a member.</returns>
    public IReadOnlyList<int>? Leave(long clientId)
    {
        if (FindByClient(clientId) is not { } found)
        {
            return null;
        }

        var leaving = found.Member.Partitions.ToArray();
        RemoveSlot(found.Slab);
        RebalanceMembers();
        return leaving;
    }

    /// <summary>A server restart: members are not persisted (bootstrap.rs:606 <c>members: Slab::new()</c>).</summary>
    public void ForgetMembers()
    {
        _slots.Clear();
        _vacant.Clear();
    }

    /// <summary>Full rebalance: clear, then deal partitions round-robin in slot order (consumer_group.rs:42-68).</summary>
    public void RebalanceMembers()
    {
        var members = Members.Select(entry => entry.Member).ToList();
        if (members.Count == 0 || Partitions.Count == 0)
        {
            return;
        }

        foreach (var member in members)
        {
            member.Partitions.Clear();
            member.PendingRevocations.Clear();
        }

        for (var i = 0; i < Partitions.Count; i++)
        {
            members[i % members.Count].Partitions.Add(Partitions[i]);
        }
    }

    /// <summary>
    /// Cooperative rebalance (consumer_group.rs:72-220): unassigned partitions go to idle members; then excess
    /// partitions of over-assigned members (taken from the end of their list) become pending revocations towards
    /// idle members that are not yet the target of one.
    /// </summary>
    public void RebalanceCooperative(DateTimeOffset now)
    {
        var members = Members.ToList();
        if (members.Count == 0 || Partitions.Count == 0)
        {
            return;
        }

        var assigned = members.SelectMany(entry => entry.Member.Partitions).ToHashSet();
        var unassigned = Partitions.Where(partition => !assigned.Contains(partition)).ToList();
        if (unassigned.Count > 0)
        {
            var idle = members.Where(entry => entry.Member.Partitions.Count == 0).Select(entry => entry.Member).ToList();
            if (idle.Count > 0)
            {
                for (var i = 0; i < unassigned.Count; i++)
                {
                    idle[i % idle.Count].Partitions.Add(unassigned[i]);
                }
            }
        }

        var fairShare = Partitions.Count / members.Count;
        var remainder = Partitions.Count % members.Count;
        var targets = members.SelectMany(entry => entry.Member.PendingRevocations.Select(revocation => revocation.TargetSlab)).ToHashSet();
        var idleSlabs = members
            .Where(entry => entry.Member.Partitions.Count == 0 && !targets.Contains(entry.Slab))
            .Select(entry => entry.Slab)
            .ToList();
        if (idleSlabs.Count == 0)
        {
            return;
        }

        var membersWithRemainder = remainder;
        foreach (var (_, member) in members)
        {
            if (idleSlabs.Count == 0)
            {
                break;
            }

            var effective = member.Partitions.Count(partition => !member.IsRevoking(partition));
            var maxAllowed = membersWithRemainder > 0 ? fairShare + 1 : fairShare;
            if (effective <= maxAllowed)
            {
                if (effective > fairShare)
                {
                    membersWithRemainder = Math.Max(0, membersWithRemainder - 1);
                }

                continue;
            }

            var excess = effective - maxAllowed;
            if (membersWithRemainder > 0 && effective > fairShare)
            {
                membersWithRemainder--;
            }

            var revocable = Enumerable.Reverse(member.Partitions).Where(partition => !member.IsRevoking(partition)).Take(excess).ToList();
            foreach (var partition in revocable)
            {
                if (idleSlabs.Count == 0)
                {
                    break;
                }

                var idleSlab = idleSlabs[0];
                idleSlabs.RemoveAt(0);
                member.PendingRevocations.Add(new PendingRevocation(partition, idleSlab, _slots[idleSlab]!.Id, now));
            }
        }
    }

    /// <summary>For the trace: each member's client and partitions, a pending revocation as <c>p→client</c>.</summary>
    public string Describe() =>
        Members.Any()
            ? string.Join("; ", Members.Select(entry =>
                $"client {entry.Member.ClientId} [{string.Join(",", entry.Member.Partitions)}]"
                + string.Concat(entry.Member.PendingRevocations.Select(revocation =>
                    $" revoking {revocation.PartitionId}→client {(revocation.TargetSlab < _slots.Count ? _slots[revocation.TargetSlab]?.ClientId : null)?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "gone"}"))))
            : "no members";

    /// <summary>
    /// Whether the revocation of <paramref name="partition"/> can complete: nothing was polled from it by the group,
    /// or the group's stored offset reached the last polled one (consumer_group.rs:235-248, consumer_offsets.rs:438-452).
    /// </summary>
    public bool CanCompleteRevocation(SimulatedPartition partition) =>
        !partition.LastPolledOffsets.TryGetValue(Name, out var polled)
        || (partition.StoredOffsets.TryGetValue(Name, out var stored) && stored >= polled);

    /// <summary>
    /// Moves a revoked partition to its target (consumer_group.rs:262-314); a target that left or whose slot was
    /// reused forces a full rebalance (consumer_group.rs:297-310).
    /// </summary>
    public void CompleteRevocation(SimulatedGroupMember member, int partitionId)
    {
        var index = member.PendingRevocations.FindIndex(revocation => revocation.PartitionId == partitionId);
        if (index < 0)
        {
            return;
        }

        var revocation = member.PendingRevocations[index];
        member.PendingRevocations.RemoveAt(index);
        member.Partitions.Remove(partitionId);
        var target = revocation.TargetSlab < _slots.Count ? _slots[revocation.TargetSlab] : null;
        if (target is null || target.Id != revocation.TargetMemberId)
        {
            RebalanceMembers();
            return;
        }

        target.Partitions.Add(partitionId);
    }

    /// <summary>
    /// The partition a member's poll without a partition id reads (reader.rs:362-424): round-robin over its
    /// partitions, skipping those pending revocation; null when it has none (the poll then returns nothing,
    /// messages.rs:76-85).
    /// </summary>
    public static int? NextPartitionFor(SimulatedGroupMember member)
    {
        var effective = member.Partitions.Where(partition => !member.IsRevoking(partition)).ToList();
        if (effective.Count == 0)
        {
            return null;
        }

        var current = member.PartitionIndex;
        member.PartitionIndex = (current + 1) % effective.Count;
        return effective[current % effective.Count];
    }

    /// <summary>A store names its partition: the member must own it or be giving it up (reader.rs:343-355).</summary>
    public static bool MayStore(SimulatedGroupMember member, int partitionId) =>
        member.Partitions.Contains(partitionId) || member.IsRevoking(partitionId);

    private void InsertSlot(SimulatedGroupMember member)
    {
        if (_vacant.TryPop(out var slab))
        {
            _slots[slab] = member;
        }
        else
        {
            _slots.Add(member);
        }
    }

    private void RemoveSlot(int slab)
    {
        _slots[slab] = null;
        _vacant.Push(slab);
    }
}
