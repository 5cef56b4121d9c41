using System.Diagnostics;

namespace IggyAspire.Messaging;

/// <summary>What one send delivered.</summary>
/// <param name="MessageCount">How many messages the server took.</param>
/// <param name="TraceId">The trace of the send's span, which every message of the send carries; default when nobody listens.</param>
public readonly record struct IggySendResult(int MessageCount, ActivityTraceId TraceId);
