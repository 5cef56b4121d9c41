namespace IggyAspire.TestServer.Tcp;

/// <summary>The status codes the front end answers on its own, numbered by core/common/src/error/iggy_error.rs (server-0.8.0).</summary>
internal static class IggyWireStatus
{
    public const int Ok = 0;

    /// <summary>
    /// iggy_error.rs:38-39 <c>Error = 1</c>, the generic error: what this test server answers when it fails itself (a
    /// bug, a missing assembly); the SDK throws it as IggyInvalidStatusCodeException(1) and the connection stays open.
    /// </summary>
    public const int Error = 1;

    /// <summary>iggy_error.rs:42 <c>InvalidCommand = 3</c>: an unknown code or a payload that does not decode (dispatch.rs:69, 453-456).</summary>
    public const int InvalidCommand = 3;

    /// <summary>iggy_error.rs:46 <c>FeatureUnavailable = 5</c>: what this test server answers for what it does not model.</summary>
    public const int FeatureUnavailable = 5;

    /// <summary>iggy_error.rs:52 <c>Disconnected = 8</c>: sent to each connection when the server stops (tcp/connection_handler.rs:55-58).</summary>
    public const int Disconnected = 8;

    /// <summary>iggy_error.rs:76 <c>StaleClient = 30</c>: the session is gone; the server then closes the connection (connection_handler.rs:138-142).</summary>
    public const int StaleClient = 30;
}
