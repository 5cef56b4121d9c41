using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace IggyAspire.TestServer.Tcp;

/// <summary>Writes a response payload, little-endian throughout, as core/binary_protocol's WireEncode does (put_*_le).</summary>
internal sealed class WireWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new();

    public WireWriter U8(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
        return this;
    }

    public WireWriter U32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
        return this;
    }

    public WireWriter U64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
        return this;
    }

    public WireWriter U128(UInt128 value)
    {
        BinaryPrimitives.WriteUInt128LittleEndian(_buffer.GetSpan(16), value);
        _buffer.Advance(16);
        return this;
    }

    public WireWriter Bytes(ReadOnlySpan<byte> value)
    {
        _buffer.Write(value);
        return this;
    }

    /// <summary>A WireName: u8 length, UTF-8 bytes.</summary>
    public WireWriter Name8(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        return U8((byte)bytes.Length).Bytes(bytes);
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
}
