using System.Buffers;

namespace IggyAspire.UnitTests.Messaging;

/// <summary>
/// A payload that throws when read: makes processing a message fail with an exception, which no byte content can
/// (the deserializer reports bad bytes instead of throwing).
/// </summary>
internal sealed class UnreadablePayload : MemoryManager<byte>
{
    // The base Memory reads the span for its length; this one must not be read before processing.
    public override Memory<byte> Memory => CreateMemory(16);

    public override Span<byte> GetSpan() => throw new InvalidDataException("the payload cannot be read (fake)");

    public override MemoryHandle Pin(int elementIndex = 0) => throw new NotSupportedException();

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
