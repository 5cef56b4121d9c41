using IggyAspire.Messaging.Transport;

namespace IggyAspire.TestServer.Model;

/// <summary>
/// One Iggy server 0.8.0's state, shared by every connection (the simulation's SimulatedConnection, the TCP front end's
/// sessions): streams, topics, partitions, consumer groups with their members, stored offsets and the connected clients.
/// Each rule names the line of apache/iggy (tag server-0.8.0, paths under core/) it follows. Single-threaded: the
/// simulation drives everything from one thread; the TCP front end holds <see cref="Gate"/> around every call.
/// </summary>
internal sealed class SimulatedIggyServer
{
    /// <summary>config.toml:21 <c>rebalancing_timeout = "30s"</c>: a revocation never committed is forced after it.</summary>
    public static readonly TimeSpan RebalancingTimeout = TimeSpan.FromSeconds(30);

    /// <summary>config.toml:23 <c>rebalancing_check_interval = "5s"</c>.</summary>
    public static readonly TimeSpan RebalancingCheckInterval = TimeSpan.FromSeconds(5);

    private readonly TimeProvider _clock;
    private readonly int _messagesRequiredToSave;
    private readonly Dictionary<string, Dictionary<string, SimulatedTopic>> _streams = [];
    private readonly Dictionary<uint, (string Name, DateTimeOffset CreatedAt)> _streamsById = [];
    private readonly Dictionary<string, uint> _streamIds = [];
    private readonly SlabKeys _streamKeys = new();
    private readonly Dictionary<string, SlabKeys> _topicKeys = [];
    private readonly Dictionary<string, StreamStats> _streamStats = [];
    private readonly HashSet<long> _clients = [];
    private readonly HashSet<long> _authenticated = [];
    private readonly Dictionary<long, DateTimeOffset> _heartbeats = [];
    private readonly string _rootUsername;
    private readonly string _rootPassword;
    private readonly Dictionary<long, HashSet<(string Stream, string Topic, string Group)>> _joinedGroups = [];
    private readonly HashSet<long> _staleSessions = [];
    private readonly List<long> _deletedStale = [];
    private long _nextClientId = 1;

    /// <param name="clock">The server's clock.</param>
    /// <param name="rootUsername">The root user (config.toml <c>[system.root_user]</c>; the container takes IGGY_ROOT_USERNAME).</param>
    /// <param name="rootPassword">The root user's password.</param>
    /// <param name="heartbeatInterval">
    /// config.toml:304-308 <c>[heartbeat] enabled = false, interval = "5 s"</c>: null (the default) leaves the check off;
    /// otherwise every interval the clients whose last heartbeat is older than 1.2 x interval are deleted
    /// (<see cref="VerifyHeartbeats"/>).
    /// </param>
    /// <param name="messagesRequiredToSave">
    /// <c>system.partition.messages_required_to_save</c> (<c>IGGY_SYSTEM_PARTITION_MESSAGES_REQUIRED_TO_SAVE</c>):
    /// <see cref="MessagesRequiredToSave"/> by default; 1 saves every send before it is acknowledged.
    /// </param>
    public SimulatedIggyServer(TimeProvider clock, string rootUsername = "iggy", string rootPassword = "iggy", TimeSpan? heartbeatInterval = null, int messagesRequiredToSave = MessagesRequiredToSave)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(messagesRequiredToSave, 1);
        _clock = clock;
        _messagesRequiredToSave = messagesRequiredToSave;
        (_rootUsername, _rootPassword) = (rootUsername, rootPassword);
        // server/src/shard/tasks/periodic/revocation_timeout.rs:25-38: a periodic check on the server's clock. Under the
        // gate: on a system clock the timer fires on a pool thread beside the TCP front end's calls.
        RevocationChecker = clock.CreateTimer(_ =>
        {
            lock (Gate)
            {
                ForceTimedOutRevocations();
            }
        }, null, RebalancingCheckInterval, RebalancingCheckInterval);
        // message_saver.rs: every interval (config.toml:286, 30 s) the unsaved messages of every partition are written.
        MessageSaver = clock.CreateTimer(_ =>
        {
            lock (Gate)
            {
                SaveAll();
            }
        }, null, MessageSaverInterval, MessageSaverInterval);
        if (heartbeatInterval is { } interval)
        {
            if (interval <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(heartbeatInterval), interval, "The heartbeat interval must be positive.");
            }

            HeartbeatInterval = interval;
            // heartbeat_verifier.rs:26-42: a periodic task every interval, on the server's clock, under the gate as above.
            HeartbeatVerifier = clock.CreateTimer(_ =>
            {
                lock (Gate)
                {
                    VerifyHeartbeats();
                }
            }, null, interval, interval);
        }
    }

    /// <summary>heartbeat_verifier.rs:24 <c>MAX_THRESHOLD = 1.2</c>: a heartbeat older than 1.2 x interval is stale.</summary>
    public const double HeartbeatThreshold = 1.2;

    /// <summary>The heartbeat check's interval; null when it is off (config.toml:306 <c>enabled = false</c>).</summary>
    public TimeSpan? HeartbeatInterval { get; }

    /// <summary>The heartbeat check's timer while it is on, kept so it lives as long as the server.</summary>
    public ITimer? HeartbeatVerifier { get; }

    /// <summary>The clients the heartbeat check deleted, oldest first.</summary>
    public IReadOnlyList<long> DeletedStaleClients => _deletedStale;

    /// <summary>What every caller on more than one thread holds around each call (the model itself is single-threaded).</summary>
    public object Gate { get; } = new();

    /// <summary>The server's clock, which front ends stamp and time things by (access tokens, the process's run time).</summary>
    public TimeProvider Clock => _clock;

    /// <summary>config.toml:489 <c>[system.segment] size = "1 GiB"</c>: a topic's max size may not be below it.</summary>
    public const ulong SegmentSize = 1UL << 30;

    /// <summary>The root user's id: <c>DEFAULT_ROOT_USER_ID = 0</c> (core/common/src/http/users/defaults.rs:26).</summary>
    public const uint RootUserId = 0;

    /// <summary>The clients (sessions) connected now.</summary>
    public IReadOnlyCollection<long> ConnectedClients => IsUp ? _clients.ToArray() : [];

    /// <summary>Kept so the timer lives as long as the server.</summary>
    public ITimer RevocationChecker { get; }

    /// <summary>The periodic save of unsaved messages (<see cref="MessageSaverInterval"/>).</summary>
    public ITimer MessageSaver { get; }

    /// <summary>config.toml:476 <c>messages_required_to_save = 1024</c>: by default a partition writes its journal at this many unsaved messages.</summary>
    public const int MessagesRequiredToSave = 1024;

    /// <summary>config.toml:481 <c>size_of_messages_required_to_save = "1 MiB"</c>: or at this many unsaved bytes.</summary>
    public const ulong SizeOfMessagesRequiredToSave = 1UL << 20;

    /// <summary>config.toml:286 <c>[message_saver] interval = "30 s"</c>.</summary>
    public static readonly TimeSpan MessageSaverInterval = TimeSpan.FromSeconds(30);

    /// <summary>Disposes the model's periodic tasks (revocation check, message saver, heartbeat check).</summary>
    public async ValueTask DisposeTimersAsync()
    {
        await RevocationChecker.DisposeAsync().ConfigureAwait(false);
        await MessageSaver.DisposeAsync().ConfigureAwait(false);
        if (HeartbeatVerifier is { } heartbeatVerifier)
        {
            await heartbeatVerifier.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc cref="DisposeTimersAsync"/>
    public void DisposeTimers()
    {
        RevocationChecker.Dispose();
        MessageSaver.Dispose();
        HeartbeatVerifier?.Dispose();
    }

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
        // client_manager.rs:63-75: a new client's last_heartbeat is the time it connected.
        _heartbeats[clientId] = _clock.GetUtcNow();
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

        _authenticated.Remove(clientId);
        _heartbeats.Remove(clientId);

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
        SaveAll();
        IsUp = false;
        _clients.Clear();
        _authenticated.Clear();
        _heartbeats.Clear();
        _joinedGroups.Clear();
        _staleSessions.Clear();
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

    /// <summary>
    /// A crash (the process killed): what each partition had not saved is gone, since an append is acknowledged from
    /// the in-memory journal (send_messages_handler.rs:200-202; saved at <see cref="MessagesRequiredToSave"/>,
    /// <see cref="SizeOfMessagesRequiredToSave"/> or by the <see cref="MessageSaver"/>: shard/system/messages.rs:406-439),
    /// while a stored offset was written at once (consumer_offsets.rs:56-69, storage.rs:147-161). At start a stored
    /// offset past the recovered log is clamped to the partition's offset (shard/mod.rs:305-367), so new messages, which
    /// take the lost ones' offsets, are polled after it; in a partition with nothing recovered the clamp is 0 and the
    /// next message, at offset 0, is skipped. Then as <see cref="Stop"/>, but nothing more is saved.
    /// </summary>
    /// <returns>The ids of the messages the crash lost.</returns>
    public IReadOnlyList<UInt128> Crash()
    {
        var lost = new List<UInt128>();
        foreach (var (stream, topics) in _streams)
        {
            foreach (var topic in topics.Values)
            {
                foreach (var partition in topic.Partitions)
                {
                    foreach (var message in partition.Log.Skip(partition.Saved))
                    {
                        lost.Add(message.Id);
                        _streamStats[stream].MessagesCount--;
                        _streamStats[stream].SizeBytes -= SizeOf(message);
                    }

                    partition.Log.RemoveRange(partition.Saved, partition.Log.Count - partition.Saved);
                    partition.UnsavedBytes = 0;
                    foreach (var group in partition.StoredOffsets.Keys.ToList())
                    {
                        partition.StoredOffsets[group] = Math.Min(partition.StoredOffsets[group], partition.CurrentOffset);
                    }
                }
            }
        }

        Stop();
        return lost;
    }

    public void Start()
    {
        if (!IsUp)
        {
            IsUp = true;
            Restarts++;
        }
    }

    /// <summary>
    /// A login (shard/system/users.rs:241-268): an unknown user or a wrong password answers 42 InvalidCredentials. The
    /// session is then authenticated (shard/mod.rs:448-460 checks it before every command but ping and login).
    /// </summary>
    /// <returns>The user's id.</returns>
    public uint Login(long clientId, string username, string password)
    {
        RequireClient(clientId);
        if (username != _rootUsername || password != _rootPassword)
        {
            throw new IggyStatusException(IggyErrorCodes.InvalidCredentials, $"invalid credentials for user '{username}'");
        }

        _authenticated.Add(clientId);
        return RootUserId;
    }

    /// <summary>
    /// A login without a session, as the HTTP API's (http/users.rs:258-274 calls login_user with no session):
    /// shard/system/users.rs:241-268 looks the user up by <c>username.try_into()</c>, an Identifier
    /// (common/src/types/identifier/mod.rs:246-257), so an all-digit user name is the user's numeric id (<c>"0"</c> is
    /// root) and an empty one, or one over 255 bytes, is 6 InvalidIdentifier before any look-up; an unknown user or a
    /// wrong password answers 42 InvalidCredentials.
    /// </summary>
    /// <returns>The user's id.</returns>
    public uint AuthenticateUser(IggyId user, string password)
    {
        var isRoot = user.Number is { } number ? number == RootUserId : user.Name == _rootUsername;
        if (!isRoot || password != _rootPassword)
        {
            throw new IggyStatusException(IggyErrorCodes.InvalidCredentials, $"invalid credentials for user '{user}'");
        }

        return RootUserId;
    }

    /// <summary>shard/mod.rs:448-460 <c>ensure_authenticated</c>: a session that has not logged in answers 40.</summary>
    public void EnsureAuthenticated(long clientId)
    {
        RequireClient(clientId);
        if (!_authenticated.Contains(clientId))
        {
            throw new IggyStatusException(IggyErrorCodes.Unauthenticated, $"client {clientId} is not authenticated");
        }
    }

    /// <summary>A ping needs no login and records the client's heartbeat (binary/handlers/system/ping_handler.rs:28-42).</summary>
    public void Ping(long clientId)
    {
        if (IsUp && _staleSessions.Contains(clientId))
        {
            // ping_handler.rs:34-40: a session the heartbeat check deleted is not in the client manager any more, so
            // nothing is recorded, and the ping still answers OK (the handler never calls ensure_authenticated).
            return;
        }

        RequireClient(clientId);
        _heartbeats[clientId] = _clock.GetUtcNow();
    }

    /// <summary>
    /// heartbeat_verifier.rs:44-87: every client whose last heartbeat (<see cref="Connect"/>, <see cref="Ping"/>) is
    /// older than now - 1.2 x interval (line 55, strictly older at line 60) has its session set stale (line 65,
    /// session.rs:61-63) and is deleted with delete_client (line 82): the same as a closed connection
    /// (<see cref="Disconnect"/>, clients.rs:35-80), leaving every group it joined. The server does not close the
    /// socket: the session's next command that checks it (shard/mod.rs:448-452 <c>ensure_authenticated</c>) answers
    /// 30 StaleClient, after which the connection is closed (tcp/connection_handler.rs:138-142); a ping still answers OK.
    /// </summary>
    public void VerifyHeartbeats()
    {
        if (!IsUp || HeartbeatInterval is not { } interval)
        {
            return;
        }

        var heartbeatTo = _clock.GetUtcNow() - TimeSpan.FromTicks((long)(HeartbeatThreshold * interval.Ticks));
        var stale = _clients.Where(clientId => _heartbeats.TryGetValue(clientId, out var at) && at < heartbeatTo).Order().ToList();
        foreach (var clientId in stale)
        {
            _staleSessions.Add(clientId);
            _deletedStale.Add(clientId);
            Disconnect(clientId);
        }
    }

    /// <summary>The client's last heartbeat (its connection, then each ping), while it is connected.</summary>
    public DateTimeOffset? LastHeartbeat(long clientId) => _heartbeats.TryGetValue(clientId, out var at) ? at : null;

    /// <summary>An existing name answers 1012 (metadata/writer.rs:337), which the transport reads as "already there".</summary>
    public void CreateStream(string stream)
    {
        if (!_streams.TryAdd(stream, []))
        {
            throw new IggyStatusException(IggyErrorCodes.StreamNameAlreadyExists, $"stream '{stream}' exists");
        }

        // The stream's id is its slab key (metadata/absorb.rs:53-63): 0-based in creation order, a deleted one's reused.
        var id = _streamKeys.Take();
        _streamsById[id] = (stream, _clock.GetUtcNow());
        _streamIds[stream] = id;
        _topicKeys[stream] = new SlabKeys();
        _streamStats[stream] = new StreamStats();
    }

    /// <summary>
    /// Deletes the stream with its topics, their messages, groups and offsets (a test's setup: our HTTP client never
    /// deletes a stream). Its id goes back to the slab (<see cref="SlabKeys"/>); members of its groups are dropped.
    /// </summary>
    public void DeleteStream(string stream)
    {
        foreach (var topic in FindStream(stream).Keys.ToList())
        {
            DeleteTopic(stream, topic);
        }

        _streams.Remove(stream);
        _streamKeys.Free(_streamIds[stream]);
        _streamsById.Remove(_streamIds[stream]);
        _streamIds.Remove(stream);
        _topicKeys.Remove(stream);
        _streamStats.Remove(stream);
    }

    /// <summary>
    /// Deletes the topic with its messages, groups and offsets (a test's setup); its id goes back to the stream's slab
    /// and its counters leave the stream's.
    /// </summary>
    public void DeleteTopic(string stream, string topic)
    {
        var found = FindTopic(stream, topic);
        foreach (var group in found.Groups.Keys.ToList())
        {
            DeleteConsumerGroup(stream, topic, group);
        }

        var stats = _streamStats[stream];
        stats.MessagesCount -= Math.Min(stats.MessagesCount, (ulong)found.Partitions.Sum(partition => partition.Log.Count));
        stats.SizeBytes -= Math.Min(stats.SizeBytes, (ulong)found.Partitions.Sum(partition => partition.Log.Sum(message => (decimal)SizeOf(message))));
        stats.SegmentsCount -= Math.Min(stats.SegmentsCount, (uint)found.Partitions.Count);
        _streams[stream].Remove(topic);
        _topicKeys[stream].Free(found.Id);
    }

    /// <summary>An existing name answers 2013 (metadata/writer.rs:398); partitions get ids 0..n-1.</summary>
    public void CreateTopic(string stream, string topic, uint partitions) =>
        CreateTopic(stream, topic, partitions, compressionAlgorithm: 1, messageExpiry: 0, maxTopicSize: 0, replicationFactor: 0);

    /// <summary>
    /// As <see cref="CreateTopic(string, string, uint)"/>, keeping the settings a create-topic request carries, as
    /// shard/system/topics.rs:38-98 create_topic resolves them: a message expiry of 0 (server default) becomes the
    /// config's <c>message_expiry = "none"</c>, never expire, u64::MAX (configs/server_config/system.rs:328-333,
    /// config.toml:454); a max topic size of 0 becomes <c>max_size = "unlimited"</c>, u64::MAX (system.rs:309-326,
    /// config.toml:448), and any other below the segment size answers 1019 InvalidTopicSize (system.rs:316-320), checked
    /// before the name (topics.rs:51 then 58-69: an existing topic asked with a small size answers 1019, not 2013); a
    /// replication factor of 0 (none given) is stored as 1 (execution.rs:186-190, topics.rs:85).
    /// </summary>
    public void CreateTopic(string stream, string topic, uint partitions, byte compressionAlgorithm, ulong messageExpiry, ulong maxTopicSize, byte replicationFactor)
    {
        var topics = FindStream(stream);
        if (maxTopicSize != 0 && maxTopicSize < SegmentSize)
        {
            throw new IggyStatusException(IggyStatusCodes.InvalidTopicSize, $"max topic size {maxTopicSize} is below the segment size {SegmentSize}");
        }

        if (topics.ContainsKey(topic))
        {
            throw new IggyStatusException(IggyErrorCodes.TopicNameAlreadyExists, $"topic '{topic}' exists");
        }

        var created = new SimulatedTopic(partitions)
        {
            Id = _topicKeys[stream].Take(),
            Name = topic,
            CreatedAt = _clock.GetUtcNow(),
            CompressionAlgorithm = compressionAlgorithm,
            MessageExpiry = messageExpiry == 0 ? ulong.MaxValue : messageExpiry,
            MaxTopicSize = maxTopicSize == 0 ? ulong.MaxValue : maxTopicSize,
            ReplicationFactor = replicationFactor == 0 ? (byte)1 : replicationFactor,
        };
        topics.Add(topic, created);
        // shard/system/partitions.rs:245-260: each new partition starts with one segment, counted up to its stream.
        _streamStats[stream].SegmentsCount += partitions;
    }

    /// <summary>
    /// Updates the topic's name and settings as execute_update_topic (shard/execution.rs:258-294) does: shard/system/
    /// topics.rs:107-127 update_topic, then metadata/writer.rs:429-475 try_update_topic, whose only refusals are an
    /// unknown stream (1009) or topic (2010) and a new name another topic of the stream has (2013, writer.rs:454-463);
    /// then absorb.rs:102-127 stores every value as sent. Unlike create, nothing is resolved or checked: a message expiry
    /// or max topic size of 0 (server default) stays 0, and a size below the segment size is not refused (no
    /// resolve_max_topic_size on this path); a replication factor of 0 (none given) is stored as 1 (topics.rs:125).
    /// The partitions, messages, groups and offsets stay; a new name renames the topic for its groups' members too.
    /// </summary>
    public void UpdateTopic(string stream, string topic, string name, byte compressionAlgorithm, ulong messageExpiry, ulong maxTopicSize, byte replicationFactor)
    {
        var topics = FindStream(stream);
        var found = FindTopic(stream, topic);
        if (name != topic && topics.ContainsKey(name))
        {
            throw new IggyStatusException(IggyErrorCodes.TopicNameAlreadyExists, $"topic '{name}' exists");
        }

        found.CompressionAlgorithm = compressionAlgorithm;
        found.MessageExpiry = messageExpiry;
        found.MaxTopicSize = maxTopicSize;
        found.ReplicationFactor = replicationFactor == 0 ? (byte)1 : replicationFactor;
        if (name == topic)
        {
            return;
        }

        // absorb.rs:122-125: the stream's name index moves to the new name; the topic keeps its id.
        topics.Remove(topic);
        found.Name = name;
        topics.Add(name, found);
        foreach (var joined in _joinedGroups.Values)
        {
            foreach (var entry in joined.Where(entry => entry.Stream == stream && entry.Topic == topic).ToList())
            {
                joined.Remove(entry);
                joined.Add((stream, name, entry.Group));
            }
        }
    }

    /// <summary>An existing name answers 5004 (metadata/writer.rs:593); the group covers every partition of the topic.</summary>
    public void CreateConsumerGroup(string stream, string topic, string group)
    {
        var found = FindTopic(stream, topic);
        if (found.Groups.ContainsKey(group))
        {
            throw new IggyStatusException(IggyErrorCodes.ConsumerGroupNameAlreadyExists, $"group '{group}' exists");
        }

        found.Groups.Add(group, new SimulatedConsumerGroup(group, found.Partitions.Count) { Id = found.GroupKeys.Take() });
    }

    /// <summary>
    /// Deletes the group (execution.rs:496-527): its members go with it, no longer in their clients' groups
    /// (shard/system/consumer_groups.rs:66-88, client_manager.delete_consumer_group), and the offsets it stored are
    /// deleted (consumer_offsets.rs:216-256), so a group created again under the name starts with none. The polled
    /// offsets stay (nothing in delete_consumer_group clears partition.last_polled_offsets, reader.rs:427-456). Its id
    /// goes back to the topic's slab. An unknown group answers 5000.
    /// </summary>
    public void DeleteConsumerGroup(string stream, string topic, string group)
    {
        var found = FindTopic(stream, topic);
        var consumerGroup = FindGroup(found, group);
        found.Groups.Remove(group);
        found.GroupKeys.Free(consumerGroup.Id);
        foreach (var partition in found.Partitions)
        {
            partition.StoredOffsets.Remove(group);
        }

        foreach (var joined in _joinedGroups.Values)
        {
            joined.Remove((stream, topic, group));
        }
    }

    /// <summary>
    /// Purges the topic (execution.rs:336-367, shard/system/topics.rs:198-250): every partition's consumer offsets and
    /// consumer-group offsets are cleared (topics.rs:203-216), its segments are deleted and one new empty segment starts
    /// at offset 0 (segments.rs:408-515: the partition's offset is reset, so the next message is offset 0 again), and
    /// the partitions' counters are zeroed, which zeroes the whole stream's (<see cref="StreamStats"/>). The topic, its
    /// groups and their members stay; the groups' polled offsets are not touched. An unknown stream answers 1009, an
    /// unknown topic 2010.
    /// </summary>
    public void PurgeTopic(string stream, string topic)
    {
        var found = FindTopic(stream, topic);
        foreach (var partition in found.Partitions)
        {
            partition.StoredOffsets.Clear();
            partition.Log.Clear();
            (partition.Saved, partition.UnsavedBytes) = (0, 0);
        }

        var stats = _streamStats[stream];
        stats.ZeroOutAll();
        stats.SegmentsCount += (uint)found.Partitions.Count;
    }

    /// <summary>The server's own counts as <c>GET /stats</c> answers them (shard/system/stats.rs:51, 94-121).</summary>
    public ModelStats GetStats()
    {
        var topics = _streams.Values.SelectMany(stream => stream.Values).ToList();
        return new ModelStats(
            (uint)_streams.Count,
            (uint)topics.Count,
            (uint)topics.Sum(topic => topic.Partitions.Count),
            (uint)_streamStats.Values.Sum(stats => stats.SegmentsCount),
            (ulong)_streamStats.Values.Sum(stats => (decimal)stats.MessagesCount),
            (ulong)_streamStats.Values.Sum(stats => (decimal)stats.SizeBytes),
            (uint)ConnectedClients.Count,
            (uint)topics.Sum(topic => topic.Groups.Count));
    }

    /// <summary>
    /// The stream's name, found by id or name as the server resolves it (metadata/reader.rs:1599-1617); null when there
    /// is none (get stream then answers an empty OK, get_stream_handler.rs:47-53).
    /// </summary>
    public string? ResolveStream(IggyId stream) =>
        stream.Name is { } name
            ? _streams.ContainsKey(name) ? name : null
            : stream.Number is { } number && _streamsById.TryGetValue(number, out var entry) ? entry.Name : null;

    /// <summary>The topic's name in <paramref name="stream"/> (reader.rs:1619-), or null.</summary>
    public string? ResolveTopic(string stream, IggyId topic) =>
        _streams.TryGetValue(stream, out var topics)
            ? topic.Name is { } name
                ? topics.ContainsKey(name) ? name : null
                : topics.Values.FirstOrDefault(found => found.Id == topic.Number)?.Name
            : null;

    /// <summary>The group's name in the topic, or null.</summary>
    public string? ResolveGroup(string stream, string topic, IggyId group) =>
        _streams.TryGetValue(stream, out var topics) && topics.TryGetValue(topic, out var found)
            ? group.Name is { } name
                ? found.Groups.ContainsKey(name) ? name : null
                : found.Groups.Values.FirstOrDefault(candidate => candidate.Id == group.Number)?.Name
            : null;

    /// <summary>The stream with its topics as get stream answers it (get_stream_handler.rs:98-122), or null.</summary>
    public StreamView? GetStream(string stream)
    {
        if (!_streams.TryGetValue(stream, out var topics))
        {
            return null;
        }

        var id = _streamIds[stream];
        var views = topics.Values.OrderBy(topic => topic.Id).Select(View).ToList();
        return new StreamView(id, stream, _streamsById[id].CreatedAt, (ulong)views.Sum(topic => (decimal)topic.SizeBytes),
            (ulong)views.Sum(topic => (decimal)topic.MessagesCount), views);
    }

    /// <summary>The topic with its partitions as get topic answers it (get_topic_handler.rs:55-76), or null.</summary>
    public TopicView? GetTopic(string stream, string topic) =>
        _streams.TryGetValue(stream, out var topics) && topics.TryGetValue(topic, out var found) ? View(found) : null;

    /// <summary>The group as create/get consumer group answer it, members in slab order (get_consumer_group_handler.rs:41-48), or null.</summary>
    public GroupView? GetGroup(string stream, string topic, string group) =>
        _streams.TryGetValue(stream, out var topics) && topics.TryGetValue(topic, out var found) && found.Groups.TryGetValue(group, out var consumerGroup)
            ? new GroupView(consumerGroup.Id, consumerGroup.Name, (uint)consumerGroup.Partitions.Count,
                consumerGroup.Members.Select(entry => new GroupMemberView(entry.Member.Id, entry.Member.ClientId, entry.Member.Partitions.ToArray())).ToList())
            : null;

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
    public int Append(long clientId, string stream, string topic, IReadOnlyList<OutgoingMessage> messages, string sender) =>
        Append(clientId, stream, topic, messages.Select(message => new AppendedMessage(message.Id, message.Payload, [], 0)).ToList(), sender, partitionId: null);

    /// <summary>
    /// A send as the wire carries it: balanced (<paramref name="partitionId"/> null, send_messages_handler.rs:126-133) or
    /// to a named partition (send_messages_handler.rs:134-141; an unknown one answers 3007). Each message gets the next
    /// offset and the server's timestamp; an id of 0 gets a random one (common/src/types/message/messages_batch_mut.rs:166-169).
    /// </summary>
    /// <returns>The partition that got the batch.</returns>
    public int Append(long clientId, string stream, string topic, IReadOnlyList<AppendedMessage> messages, string sender, uint? partitionId)
    {
        RequireClient(clientId);
        return AppendStateless(stream, topic, messages, sender, partitionId);
    }

    /// <summary>
    /// As <see cref="Append(long, string, string, IReadOnlyList{AppendedMessage}, string, uint?)"/> for a caller with no
    /// session: the HTTP API's send (http/messages.rs:92-125 through http_shard_wrapper.rs:162-209, no client). A
    /// balanced send to a topic with no partitions answers 2010 (http_shard_wrapper.rs:176-180: get_next_partition_id,
    /// reader.rs:238-245, finds none). Each message's size is added to its stream's counters (messages.rs:373-378).
    /// </summary>
    /// <returns>The partition that got the batch.</returns>
    public int AppendStateless(string stream, string topic, IReadOnlyList<AppendedMessage> messages, string sender, uint? partitionId)
    {
        var found = FindTopic(stream, topic);
        if (partitionId is null && found.Partitions.Count == 0)
        {
            throw new IggyStatusException(IggyStatusCodes.TopicNotFound, $"topic '{topic}' has no partition to balance to");
        }

        var partition = partitionId is { } id ? FindPartition(found, id) : found.NextBalancedPartition();
        var now = _clock.GetUtcNow();
        var stats = _streamStats[stream];
        foreach (var message in messages)
        {
            var messageId = message.Id != 0 ? message.Id : new UInt128((ulong)Random.Shared.NextInt64(), (ulong)Random.Shared.NextInt64());
            var stored = new StoredMessage((ulong)partition.Log.Count, messageId, message.Payload, now, sender)
            {
                UserHeaders = message.UserHeaders,
                OriginTimestamp = message.OriginTimestamp,
            };
            partition.Log.Add(stored);
            stats.MessagesCount++;
            stats.SizeBytes += SizeOf(stored);
            partition.UnsavedBytes += SizeOf(stored);
        }

        if (partition.Log.Count - partition.Saved >= _messagesRequiredToSave || partition.UnsavedBytes >= SizeOfMessagesRequiredToSave)
        {
            Save(partition);
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
        var polled = PollNextStored(clientId, stream, topic, group, count);
        return new PolledBatch(polled.PartitionId, polled.CurrentOffset, polled.Messages.Select(message => ToReceived((int)polled.PartitionId, message)).ToList());
    }

    /// <summary>As <see cref="PollNext"/>, the messages as stored (user headers as their wire bytes).</summary>
    public PolledStored PollNextStored(long clientId, string stream, string topic, string group, uint count)
    {
        RequireClient(clientId);
        var found = FindTopic(stream, topic);
        var member = RequireMember(FindGroup(found, group), clientId);
        if (SimulatedConsumerGroup.NextPartitionFor(member) is not { } partitionId)
        {
            return new PolledStored(0, 0, []);
        }

        var partition = found.Partitions[partitionId];
        var start = partition.StoredOffsets.TryGetValue(group, out var stored) ? stored + 1 : 0;
        var messages = partition.Log
            .Skip((int)Math.Min(start, int.MaxValue))
            .Take((int)count)
            .ToList();
        if (messages.Count > 0)
        {
            partition.LastPolledOffsets[group] = messages[^1].Offset;
        }

        return new PolledStored((uint)partitionId, partition.CurrentOffset, messages);
    }

    /// <summary>
    /// A plain consumer's poll of one partition (streaming/partitions/ops.rs:75-127): Offset from the given offset, First
    /// from the start, Last the newest <paramref name="count"/>; an unknown partition answers 3007. Nothing is remembered:
    /// plain consumers' Next and Timestamp are not modelled (the caller refuses them).
    /// </summary>
    public PolledStored PollPartition(long clientId, string stream, string topic, uint partitionId, PollKind kind, ulong value, uint count)
    {
        RequireClient(clientId);
        var partition = FindPartition(FindTopic(stream, topic), partitionId);
        var log = partition.Log;
        var start = kind switch
        {
            PollKind.Offset => (int)Math.Min(value, (ulong)log.Count),
            PollKind.Last => Math.Max(0, log.Count - (int)Math.Min(count, int.MaxValue)),
            _ => 0,
        };
        return new PolledStored(partitionId, partition.CurrentOffset, log.Skip(start).Take((int)Math.Min(count, int.MaxValue)).ToList());
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

    /// <summary>
    /// Leaves the group (shard/system/consumer_groups.rs:175-193): a client that is not a member answers 5006; the group
    /// fully rebalances (absorb.rs:336-354) and forgets the member's polled offsets (absorb.rs:356-363).
    /// </summary>
    public void LeaveConsumerGroup(long clientId, string stream, string topic, string group)
    {
        RequireClient(clientId);
        var found = FindTopic(stream, topic);
        var consumerGroup = FindGroup(found, group);
        _ = RequireMember(consumerGroup, clientId);
        LeaveGroup(found, group, clientId);
        if (_joinedGroups.TryGetValue(clientId, out var joined))
        {
            joined.Remove((stream, topic, group));
        }
    }

    /// <summary>Writes every partition's unsaved messages (the message saver's flush, and a graceful stop's: message_pump.rs:90).</summary>
    private void SaveAll()
    {
        foreach (var partition in _streams.Values.SelectMany(topics => topics.Values).SelectMany(topic => topic.Partitions))
        {
            Save(partition);
        }
    }

    private static void Save(SimulatedPartition partition)
    {
        partition.Saved = partition.Log.Count;
        partition.UnsavedBytes = 0;
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

    /// <summary>A message's size as the server counts it: its 64-byte header, payload and user headers (message_view.rs size).</summary>
    public static ulong SizeOf(StoredMessage message) => 64UL + (ulong)message.Payload.Length + (ulong)message.UserHeaders.Length;

    private static TopicView View(SimulatedTopic topic)
    {
        var partitions = topic.Partitions
            .Select(partition => new PartitionView((uint)partition.Id, topic.CreatedAt, partition.CurrentOffset,
                (ulong)partition.Log.Sum(message => (decimal)SizeOf(message)), (ulong)partition.Log.Count))
            .ToList();
        return new TopicView(topic.Id, topic.Name, topic.CreatedAt, topic.CompressionAlgorithm, topic.MessageExpiry, topic.MaxTopicSize,
            topic.ReplicationFactor, (ulong)partitions.Sum(partition => (decimal)partition.SizeBytes),
            (ulong)partitions.Sum(partition => (decimal)partition.MessagesCount), partitions);
    }

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
            throw new StaleClientException($"Client {clientId} is not connected.");
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
