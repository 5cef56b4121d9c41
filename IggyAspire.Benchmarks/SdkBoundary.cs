using System.Reflection;
using Apache.Iggy.Contracts;
using Apache.Iggy.IggyClient;

namespace IggyAspire.Benchmarks;

/// <summary>
/// Where the real paths meet the socket: an <see cref="IIggyClient"/> whose send, poll and store complete at once
/// (a poll answers <see cref="Polled"/>), so a benchmark measures everything of ours up to the SDK's own work. It is a
/// <see cref="DispatchProxy"/>, whose call (an argument array and a reflection call) the real paths pay and the
/// limits do not.
/// </summary>
public class SdkBoundary : DispatchProxy
{
    private Task<PolledMessages> _polled = Task.FromResult(PolledMessages.Empty);
    private Task<ConsumerGroupResponse?> _group = Task.FromResult<ConsumerGroupResponse?>(null);

    /// <summary>What every poll answers.</summary>
    public PolledMessages Polled { set => _polled = Task.FromResult(value); }

    /// <summary>The consumer group every GetConsumerGroup answers: the member that owns the polled partition.</summary>
    public ConsumerGroupResponse Group { set => _group = Task.FromResult<ConsumerGroupResponse?>(value); }

    public static (SdkBoundary Boundary, IIggyClient Client) Create()
    {
        var client = Create<IIggyClient, SdkBoundary>();
        return ((SdkBoundary)(object)client, client);
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod?.Name switch
    {
        "PollMessagesAsync" => _polled,
        "GetConsumerGroupByIdAsync" => _group,
        "GetTopicByIdAsync" => Task.FromResult<TopicResponse?>(null),
        "GetOffsetAsync" => Task.FromResult<OffsetResponse?>(null),
        _ => Task.CompletedTask,
    };
}
