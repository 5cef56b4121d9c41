using System.Buffers.Binary;
using System.Text;
using IggyAspire.TestServer.Model;

namespace IggyAspire.TestServer.Tcp;

/// <summary>
/// Reads a request payload, little-endian throughout. A payload too short throws <see cref="WireFormatException"/>,
/// which the front end answers with 3 InvalidCommand as 0.8.0's decode does (binary/dispatch.rs:69-89).
/// </summary>
internal sealed class WireReader(byte[] payload)
{
    private int _position;

    public int Remaining => payload.Length - _position;

    public byte U8() => Take(1)[0];

    public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    public UInt128 U128() => BinaryPrimitives.ReadUInt128LittleEndian(Take(16));

    public byte[] Bytes(int count) => Take(count).ToArray();

    /// <summary>A name: u8 length, UTF-8 bytes (Iggy_SDK/Contracts/Tcp/TcpContracts.cs:617-623 CreateStream, 635-643 CreateGroup).</summary>
    public string Name8() => Encoding.UTF8.GetString(Take(U8()));

    /// <summary>
    /// An identifier: u8 kind (1 numeric, 2 string), u8 length, value; numeric is a u32 (Iggy_SDK/Utils/TcpMessageStreamHelpers.cs:73-89,
    /// Identifier.cs:49-58; server: core/binary_protocol/src/primitives/identifier.rs).
    /// </summary>
    public IggyId Identifier()
    {
        var kind = U8();
        var value = Take(U8());
        return kind switch
        {
            1 when value.Length == 4 => IggyId.Numeric(BinaryPrimitives.ReadUInt32LittleEndian(value)),
            2 when value.Length > 0 => IggyId.Named(Encoding.UTF8.GetString(value)),
            _ => throw new WireFormatException($"identifier of kind {kind} and length {value.Length}"),
        };
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw new WireFormatException($"{count} bytes wanted at {_position}, {Remaining} left");
        }

        var span = payload.AsSpan(_position, count);
        _position += count;
        return span;
    }
}

/// <summary>A request payload that does not decode.</summary>
internal sealed class WireFormatException(string message) : Exception(message);
