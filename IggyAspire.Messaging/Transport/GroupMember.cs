namespace IggyAspire.Messaging.Transport;

/// <summary>A member of a consumer group as the server lists it: its member id (not a client id) and its partitions.</summary>
public sealed record GroupMember(uint MemberId, IReadOnlyList<uint> Partitions);
