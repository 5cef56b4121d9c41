namespace IggyAspire.TestServer.Model;

/// <summary>
/// Where the model's rules come from: apache/iggy at tag <c>server-0.8.0</c>. Each rule in the model names the file
/// and line it follows, relative to this root (read them with <c>git show server-0.8.0:&lt;path&gt;</c>).
/// </summary>
internal static class IggySource
{
    public const string Tag = "server-0.8.0";
}
