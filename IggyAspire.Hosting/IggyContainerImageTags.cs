namespace Aspire.Hosting.Iggy;

/// <summary>
/// The Iggy server image. <c>apache/iggy</c> is the project's image since it joined the Apache Software Foundation;
/// <c>iggyrs/iggy</c> (which the proof of concept used) is the earlier repository and stopped around server 0.4.
/// The tag is pinned to the server version that Apache.Iggy speaks: Apache.Iggy 0.8.0 talks to server 0.8.0, and
/// <c>edge</c> already uses a newer wire protocol. This tag moves together with <c>IggyVersion</c> in
/// Directory.Packages.props; a test fails when they disagree.
/// </summary>
public static class IggyContainerImageTags
{
    /// <summary>docker.io</summary>
    public const string Registry = "docker.io";

    /// <summary>apache/iggy</summary>
    public const string Image = "apache/iggy";

    /// <summary>0.8.0</summary>
    public const string Tag = "0.8.0";
}
