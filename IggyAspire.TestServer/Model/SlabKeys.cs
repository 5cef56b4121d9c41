namespace IggyAspire.TestServer.Model;

/// <summary>
/// The keys of a <c>slab::Slab</c>, which 0.8.0 keeps streams, topics and consumer groups in: an entity's id is its slab
/// key (metadata/absorb.rs:53-63 streams, 83-91 topics, 235-247 groups), and an insert takes the key freed last before
/// a new one, so a deleted entity's id is given to the next one created.
/// </summary>
internal sealed class SlabKeys
{
    private readonly Stack<uint> _vacant = new();
    private uint _next;

    /// <summary>The key the next insert gets, taken.</summary>
    public uint Take() => _vacant.TryPop(out var key) ? key : _next++;

    /// <summary>A removed entity's key, given to the next insert.</summary>
    public void Free(uint key) => _vacant.Push(key);
}
