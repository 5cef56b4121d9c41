namespace IggyAspire.TestServer.Http;

/// <summary>
/// What the front end does with one request to a route instead of answering it as 0.8.0 does, scripted per route
/// (<see cref="IggyHttpRoutes"/>) like <see cref="Tcp.IggyFault"/> per command code. A fault applies once the request
/// passed the JWT layer and matched its route, as a handler's own answer would.
/// </summary>
internal abstract record IggyHttpFault
{
    /// <summary>
    /// Answers an IggyError as http/error.rs:43-80 writes one: <paramref name="status"/> with
    /// <c>{"id","code","reason","field"}</c>; nothing applied.
    /// </summary>
    public static IggyHttpFault Refuse(int status, uint id, string code, string reason, string? field = null) => new Refusal(status, id, code, reason, field);

    /// <summary>
    /// Answers <paramref name="status"/> with <paramref name="body"/> as <paramref name="contentType"/>, nothing applied:
    /// an answer 0.8.0 would not give (a body without a field, a bare 503 from a proxy in between, axum's 422 text),
    /// to check how the client copes with it.
    /// </summary>
    public static IggyHttpFault Answer(int status, string body = "", string contentType = "text/plain; charset=utf-8") => new Canned(status, body, contentType);

    /// <summary>Applies the request, then answers after <paramref name="delay"/> on the model's clock.</summary>
    public static IggyHttpFault AnswerLate(TimeSpan delay) => new LateAnswer(delay);

    /// <summary>
    /// Runs <paramref name="first"/> before applying the request (outside the model's gate), then answers as the route
    /// does: to look at the caller while its call is in flight.
    /// </summary>
    public static IggyHttpFault RunFirst(Func<Task> first) => new BeforeApplying(first);

    internal sealed record Refusal(int Status, uint Id, string Code, string Reason, string? Field) : IggyHttpFault;

    internal sealed record Canned(int Status, string Body, string ContentType) : IggyHttpFault;

    internal sealed record LateAnswer(TimeSpan Delay) : IggyHttpFault;

    internal sealed record BeforeApplying(Func<Task> First) : IggyHttpFault;
}

/// <summary>The faults queued per route: each one-shot fault serves one request, in order; a standing rule serves every request after them.</summary>
internal sealed class IggyHttpFaultScript
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Queue<IggyHttpFault>> _queued = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IggyHttpFault> _standing = new(StringComparer.Ordinal);

    /// <summary>The next <paramref name="times"/> requests to <paramref name="route"/> get <paramref name="fault"/>.</summary>
    public IggyHttpFaultScript Push(string route, IggyHttpFault fault, int times = 1)
    {
        lock (_lock)
        {
            if (!_queued.TryGetValue(route, out var queue))
            {
                _queued[route] = queue = new Queue<IggyHttpFault>();
            }

            for (var i = 0; i < times; i++)
            {
                queue.Enqueue(fault);
            }
        }

        return this;
    }

    /// <summary>Every request to <paramref name="route"/> gets <paramref name="fault"/> (after any queued ones) until cleared.</summary>
    public IggyHttpFaultScript Always(string route, IggyHttpFault fault)
    {
        lock (_lock)
        {
            _standing[route] = fault;
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
    public IggyHttpFault? Take(string route)
    {
        lock (_lock)
        {
            if (_queued.TryGetValue(route, out var queue) && queue.TryDequeue(out var fault))
            {
                return fault;
            }

            return _standing.GetValueOrDefault(route);
        }
    }
}
