namespace IggyAspire.TestServer.Tcp;

/// <summary>
/// What the test server does with one request instead of answering it at once, scripted per command code like
/// librdkafka's mock cluster (rd_kafka_mock_push_request_errors).
/// </summary>
internal abstract record IggyFault
{
    /// <summary>Applies the command, then answers after <paramref name="delay"/> on the server's clock.</summary>
    public static IggyFault AnswerLate(TimeSpan delay) => new LateAnswer(delay);

    /// <summary>A half-open connection: the request is read and lost, nothing is applied or written, the socket stays open.</summary>
    public static IggyFault NeverAnswer() => new NoAnswer();

    /// <summary>Closes the connection on this request, before applying it (nothing changed) or after (applied, no answer).</summary>
    public static IggyFault CloseConnection(bool afterApplying = false) => new Close(afterApplying);

    /// <summary>Answers <paramref name="status"/> with an empty payload, as the server writes every error (sender/mod.rs:200-208); nothing applied.</summary>
    public static IggyFault Refuse(int status) => new Refusal(status);

    /// <summary>
    /// Answers status 0 with <paramref name="body"/> as the payload, in a well-formed frame, nothing applied: an answer
    /// the client cannot read as the command's answer, to check that it fails rather than hangs.
    /// </summary>
    public static IggyFault AnswerGarbage(byte[] body) => new Garbage(body);

    /// <summary>
    /// Throws <paramref name="exception"/> where the command's handler runs, nothing applied, as a fault of the test
    /// server itself would (an assembly it cannot load, an answer it cannot encode), to check how such a failure is answered.
    /// </summary>
    public static IggyFault FailWith(Exception exception) => new Failure(exception);

    internal sealed record LateAnswer(TimeSpan Delay) : IggyFault;

    internal sealed record NoAnswer : IggyFault;

    internal sealed record Close(bool AfterApplying) : IggyFault;

    internal sealed record Refusal(int Status) : IggyFault;

    internal sealed record Garbage(byte[] Body) : IggyFault;

    internal sealed record Failure(Exception Exception) : IggyFault;
}

/// <summary>The faults queued per command code: each one-shot fault serves one request, in order; a standing rule serves every request after them.</summary>
internal sealed class IggyFaultScript
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, Queue<IggyFault>> _queued = [];
    private readonly Dictionary<int, IggyFault> _standing = [];

    /// <summary>The next <paramref name="times"/> requests with <paramref name="commandCode"/> get <paramref name="fault"/>.</summary>
    public IggyFaultScript Push(int commandCode, IggyFault fault, int times = 1)
    {
        lock (_lock)
        {
            if (!_queued.TryGetValue(commandCode, out var queue))
            {
                _queued[commandCode] = queue = new Queue<IggyFault>();
            }

            for (var i = 0; i < times; i++)
            {
                queue.Enqueue(fault);
            }
        }

        return this;
    }

    /// <summary>Every request with <paramref name="commandCode"/> gets <paramref name="fault"/> (after any queued ones) until cleared.</summary>
    public IggyFaultScript Always(int commandCode, IggyFault fault)
    {
        lock (_lock)
        {
            _standing[commandCode] = fault;
        }

        return this;
    }

    /// <summary>Forgets every queued fault and standing rule.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _queued.Clear();
            _standing.Clear();
        }
    }

    /// <summary>The fault for this request, if any (consumes a queued one).</summary>
    public IggyFault? Take(int commandCode)
    {
        lock (_lock)
        {
            if (_queued.TryGetValue(commandCode, out var queue) && queue.TryDequeue(out var fault))
            {
                return fault;
            }

            return _standing.GetValueOrDefault(commandCode);
        }
    }
}
