using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace IggyAspire.TestServer.Tests;

/// <summary>
/// A bare socket client that frames each request exactly as Apache.Iggy 0.8.0 does (foreign/csharp/Iggy_SDK, paths below),
/// so the tests check the bytes the SDK will send and read, without the SDK.
/// </summary>
internal sealed class RawIggyClient : IAsyncDisposable
{
    private readonly TcpClient _client = new();
    private NetworkStream _stream = null!;

    public static async Task<RawIggyClient> ConnectAsync(int port)
    {
        var client = new RawIggyClient();
        await client._client.ConnectAsync("127.0.0.1", port);
        client._stream = client._client.GetStream();
        return client;
    }

    public static TimeSpan Bound { get; } = TimeSpan.FromSeconds(10);

    /// <summary>Utils/TcpMessageStreamHelpers.cs:29-35 CreatePayload: u32 length = payload + 4, u32 command, payload.</summary>
    public async Task SendAsync(int command, byte[] payload)
    {
        var frame = new byte[8 + payload.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, payload.Length + 4);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(4), command);
        payload.CopyTo(frame, 8);
        await _stream.WriteAsync(frame);
    }

    /// <summary>TcpMessageStream.cs SendRawAsync: u32 status, u32 length, then length bytes.</summary>
    public async Task<(int Status, byte[] Body)> ReadAsync(TimeSpan? bound = null)
    {
        using var timeout = new CancellationTokenSource(bound ?? Bound);
        var header = new byte[8];
        await _stream.ReadExactlyAsync(header, timeout.Token);
        var body = new byte[BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4))];
        await _stream.ReadExactlyAsync(body, timeout.Token);
        return (BinaryPrimitives.ReadInt32LittleEndian(header), body);
    }

    public async Task<(int Status, byte[] Body)> CallAsync(int command, byte[] payload)
    {
        await SendAsync(command, payload);
        return await ReadAsync();
    }

    /// <summary>Whether the server closed the connection: a read returns 0 bytes (the SDK throws IggyZeroBytesException).</summary>
    public async Task<bool> IsClosedByServerAsync(TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            return await _stream.ReadAsync(new byte[1], timeout.Token) == 0;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>Whether any byte arrives within <paramref name="wait"/> (false: none arrived and the socket is still open).</summary>
    public async Task<bool> ReceivesAnythingAsync(TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            return await _stream.ReadAsync(new byte[1], timeout.Token) > 0 ? true : throw new IOException("closed by the server");
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await Task.CompletedTask;
    }

    /// <summary>TcpContracts.cs:80-119 LoginUser, with the SDK's version and context ("csharp-sdk").</summary>
    public static byte[] Login(string username, string password)
    {
        var bytes = new List<byte> { (byte)username.Length };
        bytes.AddRange(Encoding.UTF8.GetBytes(username));
        bytes.Add((byte)password.Length);
        bytes.AddRange(Encoding.UTF8.GetBytes(password));
        foreach (var text in new[] { "0.8.0", "csharp-sdk" })
        {
            bytes.AddRange(BitConverter.GetBytes(text.Length));
            bytes.AddRange(Encoding.UTF8.GetBytes(text));
        }

        return [.. bytes];
    }

    /// <summary>TcpMessageStreamHelpers.cs:73-89: u8 kind (1 numeric, 2 string), u8 length, value (numeric: u32, Identifier.cs:49-58).</summary>
    public static byte[] Id(string name) => [2, (byte)name.Length, .. Encoding.UTF8.GetBytes(name)];

    public static byte[] Id(uint number)
    {
        var bytes = new byte[6];
        bytes[0] = 1;
        bytes[1] = 4;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(2), number);
        return bytes;
    }

    /// <summary>TcpContracts.cs:617-623 CreateStream: u8 name length, name.</summary>
    public static byte[] Name(string name) => [(byte)name.Length, .. Encoding.UTF8.GetBytes(name)];

    /// <summary>TcpContracts.cs:706-721 CreateTopic, as CreateTopicAsync sends it by default (compression None = 1, no expiry, no size limit, replication 0).</summary>
    public static byte[] CreateTopic(byte[] streamId, string name, uint partitions)
    {
        var bytes = new byte[streamId.Length + 23 + name.Length];
        streamId.CopyTo(bytes, 0);
        var position = streamId.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(position), partitions);
        bytes[position + 4] = 1;
        bytes[position + 22] = (byte)name.Length;
        Encoding.UTF8.GetBytes(name).CopyTo(bytes, position + 23);
        return bytes;
    }

    /// <summary>
    /// TcpContracts.cs:366-393 GetMessages: u8 consumer kind (1 consumer, 2 group), consumer id, stream id, topic id, u8
    /// partition flag, u32 partition id, u8 strategy (Offset 1, First 3, Last 4, Next 5), u64 value, u32 count, u8 auto commit.
    /// </summary>
    public static byte[] Poll(byte consumerKind, byte[] consumerId, byte[] streamId, byte[] topicId, uint? partitionId, byte strategy, ulong value, uint count, bool autoCommit = false)
    {
        var tail = new byte[19];
        tail[0] = partitionId.HasValue ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32LittleEndian(tail.AsSpan(1), partitionId ?? 0);
        tail[5] = strategy;
        BinaryPrimitives.WriteUInt64LittleEndian(tail.AsSpan(6), value);
        BinaryPrimitives.WriteUInt32LittleEndian(tail.AsSpan(14), count);
        tail[18] = autoCommit ? (byte)1 : (byte)0;
        return [consumerKind, .. consumerId, .. streamId, .. topicId, .. tail];
    }

    /// <summary>TcpContracts.cs:745-770 UpdateOffset: consumer kind, consumer id, stream id, topic id, u8 flag, u32 partition id, u64 offset.</summary>
    public static byte[] StoreOffset(byte[] groupId, byte[] streamId, byte[] topicId, uint? partitionId, ulong offset)
    {
        var tail = new byte[13];
        tail[0] = partitionId.HasValue ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32LittleEndian(tail.AsSpan(1), partitionId ?? 0);
        BinaryPrimitives.WriteUInt64LittleEndian(tail.AsSpan(5), offset);
        return [2, .. groupId, .. streamId, .. topicId, .. tail];
    }

    /// <summary>TcpContracts.cs:772-795 GetOffset: consumer kind, consumer id, stream id, topic id, u8 flag, u32 partition id.</summary>
    public static byte[] GetOffset(byte[] groupId, byte[] streamId, byte[] topicId, uint? partitionId)
    {
        var tail = new byte[5];
        tail[0] = partitionId.HasValue ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32LittleEndian(tail.AsSpan(1), partitionId ?? 0);
        return [2, .. groupId, .. streamId, .. topicId, .. tail];
    }

    /// <summary>A message to send: id, payload, user headers as their wire bytes.</summary>
    public sealed record Outgoing(UInt128 Id, byte[] Payload, byte[] Headers, ulong OriginTimestamp = 0);

    /// <summary>
    /// TcpContracts.cs:395-443 CreateMessage, framed by TcpMessageStream.SendMessagesAsync: u32 metadata length, stream id,
    /// topic id, partitioning (Partitioning.None(): kind 1, length 0; PartitionId: kind 2, u32), u32 count, then one
    /// 16-byte index per message (u32 0, u32 cumulative size, u64 0), then each message: u64 checksum, u128 id, u64
    /// offset, u64 timestamp, u64 origin timestamp, u32 headers length, u32 payload length, u64 reserved, payload, headers.
    /// </summary>
    public static byte[] Send(byte[] streamId, byte[] topicId, IReadOnlyList<Outgoing> messages, uint? partitionId = null)
    {
        byte[] partitioning = partitionId is { } id ? [2, 4, .. BitConverter.GetBytes(id)] : [1, 0];
        var metadata = new List<byte>();
        metadata.AddRange(streamId);
        metadata.AddRange(topicId);
        metadata.AddRange(partitioning);
        metadata.AddRange(BitConverter.GetBytes(messages.Count));
        var bytes = new List<byte>(BitConverter.GetBytes(metadata.Count));
        bytes.AddRange(metadata);
        var size = 0;
        foreach (var message in messages)
        {
            size += 64 + message.Payload.Length + message.Headers.Length;
            bytes.AddRange(BitConverter.GetBytes(0));
            bytes.AddRange(BitConverter.GetBytes(size));
            bytes.AddRange(BitConverter.GetBytes(0L));
        }

        foreach (var message in messages)
        {
            var header = new byte[64];
            BinaryPrimitives.WriteUInt128LittleEndian(header.AsSpan(8), message.Id);
            BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(40), message.OriginTimestamp);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(48), message.Headers.Length);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(52), message.Payload.Length);
            bytes.AddRange(header);
            bytes.AddRange(message.Payload);
            bytes.AddRange(message.Headers);
        }

        return [.. bytes];
    }

    /// <summary>TcpContracts.cs:595-615 GetBytesFromHeader: u8 key kind, u32 key length, key, u8 value kind, u32 value length, value (String = 2).</summary>
    public static byte[] StringHeader(string key, string value)
    {
        var k = Encoding.UTF8.GetBytes(key);
        var v = Encoding.UTF8.GetBytes(value);
        return [2, .. BitConverter.GetBytes(k.Length), .. k, 2, .. BitConverter.GetBytes(v.Length), .. v];
    }
}
