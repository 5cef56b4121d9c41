using System.Buffers.Binary;

namespace IggyAspire.Messaging.Producing;

/// <summary>Message ids the producer gives messages that bring none: UUID v7, so they are unique and sort by time.</summary>
internal static class IggyMessageIds
{
    /// <summary>A new id; never 0, which server 0.8.0 would replace with a random one of its own.</summary>
    public static UInt128 New()
    {
        Span<byte> bytes = stackalloc byte[16];
        Guid.CreateVersion7().TryWriteBytes(bytes, bigEndian: true, out _);
        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }
}
