using IggyAspire.Messaging.Transport;

namespace IggyAspire.TestServer.Model;

/// <summary>
/// One Iggy server 0.8.0's state, shared by every connection (the simulation's SimulatedConnection, the TCP front end's
/// sessions): streams, topics, partitions, consumer groups with their members, stored offsets and the connected clients.
/// Each rule names the line of apache/iggy (tag server-0.8.0, paths under core/) it follows. Single-threaded: the
/// simulation drives everything from one thread; the TCP front end serializes its calls.
/// </summary>
internal sealed class SimulatedIggyServer
{
    /// <summary>config.toml:21 <c>rebalancing_timeout = "30s"</c>: a revocation never committed is forced after it.</summary>
    public static readonly TimeSpan RebalancingTimeout = TimeSpan.FromSeconds(30);

    /// <summary>config.toml:23 <c>rebalancing_check_interval = "5s"</c>.</summary>
    public static readonly TimeSpan RebalancingCheckInterval = TimeSpan.FromSeconds(5);

    private readonly TimeProvider _clock;
    private readonly Dictionary<string, Dictionary<string, SimulatedTopic>> _streams = [];
    private readonly HashSet<long> _clients = [];
    private readonly Dictionary<long, HashSet<(string Stream, string Topic, string Group)>> _joinedGroups = [];
    private long _nextClientId = 1;

    public SimulatedIggyServer(TimeProvider clock)
    {
        _clock = clock;
        // server/src/shard/tasks/periodic/revocation_timeout.rs:25-38: a periodic check on the server's clock.
        RevocationChecker = clock.CreateTimer(_ => ForceTimedOutRevocations(), null, RebalancingCheckInterval, RebalancingCheckInterval);
    }

    /// <summary>Kept so the timer lives as long as the server.</summary>
    public ITimer RevocationChecker { get; }

    public bool IsUp { get; private set; } = true;

    public int Restarts { get; private set; }

    /// <summary>A new client (connection session); fails while the server is down.</summary>
    public long Connect()
    {
        if (!IsUp)
        {
            throw new IOException("Connection refused: the server is restarting.");
        }

        var clientId = _nextClientId++;
        _clients.Add(clientId);
        return clientId;
    }

    public bool IsConnected(long clientId) => IsUp && _clients.Contains(clientId);

    /// <summary>
    /// A closed connection: the client is deleted and leaves every group it joined (server/src/shard/system/clients.rs:35-80,
    /// LeaveConsumerGroupMetadataOnly), which fully rebalances each group.
    /// </summary>
    public void Disconnect(long clientId)
    {
        if (!_clients.Remove(clientId))
        {
            return;
        }

        if (_joinedGroups.Remove(clientId, out var groups))
        {
            foreach (var (stream, topic, group) in groups)
            {
                LeaveGroup(FindTopic(stream, topic), group, clientId);
            }
        }
    }

    /// <summary>
    /// A graceful stop: every connection is closed; memberships are not persisted (bootstrap.rs:606 <c>members: Slab::new()</c>),
    /// nor are polled offsets (bootstrap.rs:584) or the round-robin counter (bootstrap.rs:625). Messages are flushed at
    /// shutdown (server/src/shard/tasks/continuous/message_pump.rs:118) and stored offsets reloaded (server/src/shard/mod.rs:260).
    /// </summary>
    public void Stop()
    {
        IsUp = false;
        _clients.Clear();
        _joinedGroups.Clear();
        foreach (var topic in _streams.Values.SelectMany(topics => topics.Values))
        {
            topic.RoundRobinCounter = 0;
            foreach (var group in topic.Groups.Values)
            {
                group.ForgetMembers();
            }

            foreach (var partition in topic.Partitions)
            {
                partition.LastPolledOffsets.Clear();
            }
        }
    }

    public void Start()
    {
        if (!IsUp)
        {
            IsUp = true;
            Restarts++;
        }
    }

    /// <summary>An existing name answers 1012 (metadata/writer.rs:337), which the transport reads as "already there".</summary>
    public void CreateStream(string stream)
    {
        if (!_streams.TryAdd(stream, []))
        {
            throw new IggyStatusException(IggyErrorCodes.StreamNameAlreadyExists, $"stream '{stream}' exists");
        }
    }

    /// <summary>An existing name answers 2013 (metadata/writer.rs:398); partitions get ids 0..n-1.</summary>
    public void CreateTopic(string stream, string topic, uint partitions)
    {
        var topics = FindStream(stream);
        if (!topics.TryAdd(topic, new SimulatedTopic(partitions)))
        {
            throw new IggyStatusException(IggyErrorCodes.TopicNameAlreadyExists, $"topic '{topic}' exists");
        }
    }

    /// <summary>An existing name answers 5004 (metadata/writer.rs:593); the group covers every partition of the topic.</summary>
    public void CreateConsumerGroup(string stream, string topic, string group)
    {
        var found = FindTopic(stream, topic);
        if (!found.Groups.TryAdd(group, new SimulatedConsumerGroup(group, found.Partitions.Count)))
        {
            throw new IggyStatusException(IggyErrorCodes.ConsumerGroupNameAlreadyExists, $"group '{group}' exists");
        }
    }

    /// <summary>
    /// Joins the client (server/src/shard/system/consumer_groups.rs:104-122): members of deleted clients are dropped,
    /// revocations that can complete at once are completed. Membership belongs to the client (connection).
    /// </summary>
    public void JoinConsumerGroup(long clientId, string stream, string topic, string group)
    {
        RequireClient(clientId);
        var found = FindTopic(stream, topic);
        var consumerGroup = FindGroup(found, group);
        consumerGroup.Join(clientId, _clients, _clock.GetUtcNow());
        CompleteRevocations(found, consumerGroup, onlyCompletable: true);
        if (!_joinedGroups.TryGetValue(clientId, out var joined))
        {
            _joinedGroups[clientId] = joined = [];
        }

        joined.Add((stream, topic, group));
    }

    /// <summary>
    /// A balanced send: the whole batch goes to one partition, the next in round-robin order (send_messages_handler.rs:126-133),
    /// each message at the next offset. A non-zero id is kept (the producer always sets one).
    /// </summary>
    /// <returns>The partition that got the batch.</returns>
    public int Append(long clientId, string stream, string topic, IReadOnlyList<OutgoingMessage> messages, string sender)
    {
        RequireClient(clientId);
        var partition = FindTopic(stream, topic).NextBalancedPartition();
        var now = _clock.GetUtcNow();
        foreach (var message in messages)
        {
            partition.Log.Add(new StoredMessage((ulong)partition.Log.Count, message.Id, message.Payload, now, sender));
        }

        return partition.Id;
    }

    /// <summary>
    /// A group poll with strategy Next and no partition id. A client that is not a member gets 5006 (metadata/reader.rs:331-341);
    /// a member with no partition gets an empty answer for partition 0 (shard/system/messages.rs:76-85). Next starts after
    /// the group's stored offset, or at the log's start (streaming/partitions/ops.rs:99-121), and nothing past the newest
    /// offset (ops.rs:125-127). The last offset returned is remembered for cooperative rebalancing (messages.rs:104-115).
    /// </summary>
    public PolledBatch PollNext(long clientId, string stream, string topic, string group, uint count)
    {
        RequireClient(clientId);
        var found = FindTopic(stream, topic);
        var member = RequireMember(FindGroup(found, group), clientId);
        if (SimulatedConsumerGroup.NextPartitionFor(member) is not { } partitionId)
        {
            return new PolledBatch(0, 0, []);
        }

        var partition = found.Partitions[partitionId];
        var start = partition.StoredOffsets.TryGetValue(group, out var stored) ? stored + 1 : 0;
        var messages = partition.Log
            .Skip((int)Math.Min(start, int.MaxValue))
            .Take((int)count)
            .Select(message => ToReceived(partitionId, message))
            .ToList();
        if (messages.Count > 0)
        {
            partition.LastPolledOffsets[group] = messages[^1].Offset;
        }

        return new PolledBatch((uint)partitionId, partition.CurrentOffset, messages);
    }

    /// <summary>
    /// A group's offset store (shard/system/consumer_offsets.rs:35-80): membership needed (5006, reader.rs:331-341), and
    /// ownership of the partition or its pending revocation (reader.rs:343-355, else 3022 NotResolvedConsumer,
    /// consumer_offsets.rs:50-51); the offset must exist in a non-empty partition (utils.rs:147-153, 4100). A store that
    /// covers what was polled completes the partition's pending revocation (consumer_offsets.rs:71-77, 414-468).
    /// </summary>
    public void StoreOffset(long clientId, string stream, string topic, string group, uint partitionId, ulong offset)
    {
        RequireClient(clientId);
        var found = FindTopic(stream, topic);
        var consumerGroup = FindGroup(found, group);
        var member = RequireMember(consumerGroup, clientId);
        if (!SimulatedConsumerGroup.MayStore(member, (int)partitionId))
        {
            throw new IggyStatusException(IggyStatusCodes.NotResolvedConsumer, $"client {clientId} does not own partition {partitionId}");
        }

        var partition = FindPartition(found, partitionId);
        if (partition.Log.Count == 0 || offset > partition.CurrentOffset)
        {
            throw new IggyStatusException(IggyStatusCodes.InvalidOffset, $"offset {offset} is past partition {partitionId}");
        }

        partition.StoredOffsets[group] = offset;
        if (member.IsRevoking((int)partitionId) && consumerGroup.CanCompleteRevocation(partition))
        {
            consumerGroup.CompleteRevocation(member, (int)partitionId);
        }
    }

    /// <summary>
    /// Reading a group's offset needs no membership (consumer_offsets.rs:104-119); an unknown partition answers 3007
    /// (consumer_offsets.rs:122-131); nothing stored yet reads as no stored offset.
    /// </summary>
    public PartitionOffsets? GetOffsets(long clientId, string stream, string topic, string group, uint partitionId)
    {
        RequireClient(clientId);
        var found = FindTopic(stream, topic);
        _ = FindGroup(found, group);
        var partition = FindPartition(found, partitionId);
        return new PartitionOffsets(partitionId, partition.CurrentOffset, partition.StoredOffsets.TryGetValue(group, out var stored) ? stored : null);
    }

    /// <summary>The newest message of each partition (strategy Last, count 1: ops.rs:92-98), as the producer reads them at start.</summary>
    public IReadOnlyList<ReceivedMessage> ReadLastMessages(long clientId, string stream, string topic)
    {
        RequireClient(clientId);
        return FindTopic(stream, topic).Partitions
            .Where(partition => partition.Log.Count > 0)
            .Select(partition => ToReceived(partition.Id, partition.Log[^1]))
            .ToList();
    }

    /// <summary>For the trace: the group's members and their partitions, or that it does not exist yet.</summary>
    public string DescribeGroup(string stream, string topic, string group) =>
        _streams.TryGetValue(stream, out var topics) && topics.TryGetValue(topic, out var found) && found.Groups.TryGetValue(group, out var consumerGroup)
            ? consumerGroup.Describe()
            : "not created";

    /// <summary>The topic as stored, for the simulation's checks.</summary>
    public SimulatedTopic Inspect(string stream, string topic) => FindTopic(stream, topic);

    private static readonly IReadOnlyDictionary<string, string> EmptyHeaders = new Dictionary<string, string>();

    private static ReceivedMessage ToReceived(int partitionId, StoredMessage message) =>
        new((uint)partitionId, message.Offset, message.Id, message.Timestamp, message.Payload, EmptyHeaders);

    /// <summary>
    /// revocation_timeout.rs:41-106: a revocation older than <see cref="RebalancingTimeout"/> is completed anyway, even
    /// though the member never committed what it polled: the target then polls from the stored offset.
    /// </summary>
    private void ForceTimedOutRevocations()
    {
        if (!IsUp)
        {
            return;
        }

        var now = _clock.GetUtcNow();
        foreach (var topic in _streams.Values.SelectMany(topics => topics.Values))
        {
            foreach (var group in topic.Groups.Values)
            {
                var timedOut = group.Members
                    .SelectMany(entry => entry.Member.PendingRevocations
                        .Where(revocation => now - revocation.CreatedAt >= RebalancingTimeout)
                        .Select(revocation => (entry.Member, revocation.PartitionId)))
                    .ToList();
                foreach (var (member, partitionId) in timedOut)
                {
                    group.CompleteRevocation(member, partitionId);
                }
            }
        }
    }

    /// <summary>After a join: consumer_groups.rs:112-122 completes what find_completable_revocations (consumer_group.rs:223-259) finds.</summary>
    private static void CompleteRevocations(SimulatedTopic topic, SimulatedConsumerGroup group, bool onlyCompletable)
    {
        var completable = group.Members
            .SelectMany(entry => entry.Member.PendingRevocations.Select(revocation => (entry.Member, revocation.PartitionId)))
            .Where(pair => !onlyCompletable || group.CanCompleteRevocation(topic.Partitions[pair.PartitionId]))
            .ToList();
        foreach (var (member, partitionId) in completable)
        {
            group.CompleteRevocation(member, partitionId);
        }
    }

    /// <summary>Leaving forgets the polled offsets of the member's partitions (absorb.rs:356-363).</summary>
    private static void LeaveGroup(SimulatedTopic topic, string group, long clientId)
    {
        if (topic.Groups.TryGetValue(group, out var consumerGroup) && consumerGroup.Leave(clientId) is { } leaving)
        {
            foreach (var partitionId in leaving)
            {
                topic.Partitions[partitionId].LastPolledOffsets.Remove(group);
            }
        }
    }

    /// <summary>A group request from a deleted client is refused as stale (shard/system/utils.rs:175-178, StaleClient = 30).</summary>
    private void RequireClient(long clientId)
    {
        if (!IsConnected(clientId))
        {
            throw new IOException($"Client {clientId} is not connected.");
        }
    }

    private static SimulatedGroupMember RequireMember(SimulatedConsumerGroup group, long clientId) =>
        group.FindByClient(clientId)?.Member
        ?? throw new IggyStatusException(IggyErrorCodes.ConsumerGroupMemberNotFound, $"client {clientId} is not a member of group '{group.Name}'");

    private Dictionary<string, SimulatedTopic> FindStream(string stream) =>
        _streams.TryGetValue(stream, out var topics)
            ? topics
            : throw new IggyStatusException(IggyStatusCodes.StreamNotFound, $"stream '{stream}' not found");

    private SimulatedTopic FindTopic(string stream, string topic) =>
        FindStream(stream).TryGetValue(topic, out var found)
            ? found
            : throw new IggyStatusException(IggyStatusCodes.TopicNotFound, $"topic '{topic}' not found");

    private static SimulatedConsumerGroup FindGroup(SimulatedTopic topic, string group) =>
        topic.Groups.TryGetValue(group, out var found)
            ? found
            : throw new IggyStatusException(IggyStatusCodes.ConsumerGroupNotFound, $"group '{group}' not found");

    private static SimulatedPartition FindPartition(SimulatedTopic topic, uint partitionId) =>
        partitionId < topic.Partitions.Count
            ? topic.Partitions[(int)partitionId]
            : throw new IggyStatusException(IggyErrorCodes.PartitionNotFound, $"partition {partitionId} not found");
}
