namespace IggyAspire.TestServer.Model;

/// <summary>
/// A stream, topic or group as a request names it: by numeric id or by name (core/common/src/identifier.rs, kinds
/// Numeric = 1 and String = 2). Ids are the entity's slab key, so 0-based in creation order (metadata/absorb.rs:53-63).
/// </summary>
internal readonly record struct IggyId(uint? Number, string? Name)
{
    public static IggyId Numeric(uint number) => new(number, null);

    public static IggyId Named(string name) => new(null, name);

    public override string ToString() => Name ?? Number?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?";
}
