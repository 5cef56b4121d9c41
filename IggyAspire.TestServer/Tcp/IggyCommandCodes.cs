namespace IggyAspire.TestServer.Tcp;

/// <summary>
/// The command codes the test server answers, as core/binary_protocol/src/codes.rs (tag server-0.8.0) numbers them and
/// Apache.Iggy 0.8.0 sends them (foreign/csharp/Iggy_SDK/Utils/CommandCodes.cs).
/// </summary>
internal static class IggyCommandCodes
{
    public const int Ping = 1;
    public const int GetClusterMetadata = 12;
    public const int LoginUser = 38;
    public const int PollMessages = 100;
    public const int SendMessages = 101;
    public const int GetConsumerOffset = 120;
    public const int StoreConsumerOffset = 121;
    public const int GetStream = 200;
    public const int CreateStream = 202;
    public const int GetTopic = 300;
    public const int CreateTopic = 302;
    public const int GetConsumerGroup = 600;
    public const int CreateConsumerGroup = 602;
    public const int JoinConsumerGroup = 604;
    public const int LeaveConsumerGroup = 605;
}
