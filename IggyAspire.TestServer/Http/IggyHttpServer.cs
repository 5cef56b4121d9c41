using System.Net;
using System.Text;
using IggyAspire.Messaging.Transport;
using IggyAspire.TestServer.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IggyAspire.TestServer.Http;

/// <summary>
/// An HTTP server on 127.0.0.1 (Kestrel) that answers the routes of Iggy server 0.8.0's HTTP API our hosting integration
/// calls (<see cref="IggyHttpRoutes"/>) as 0.8.0's axum handlers do (core/server/src/http/, tag server-0.8.0), over a
/// <see cref="SimulatedIggyServer"/> it may share with an <see cref="Tcp.IggyTcpServer"/>: a stream created here is
/// the one a TCP client gets, a message sent here the one a TCP poll reads. Every model call holds the model's gate.
/// </summary>
/// <remarks>
/// Each request goes as through 0.8.0's router (http_server.rs:96-122): the JWT layer first, on every path but the
/// public ones (jwt/middleware.rs:36-105: a missing, malformed, foreign or expired token is a bare 401), then the route,
/// matched as axum's router matches it: case-sensitive, one non-empty segment per parameter, no trailing slash (an
/// unknown path is a bare 404, a known one with another method a bare 405); a parameter is percent-decoded. Routing is
/// done here by hand because ASP.NET Core's route templates match case-insensitively and take a trailing slash.
/// </remarks>
internal sealed class IggyHttpServer : IAsyncDisposable
{
    /// <summary>config.toml:44 <c>[http] max_request_size = "2 MB"</c> (byte-unit parses MB as 10^6).</summary>
    public const int MaxRequestSize = 2_000_000;

    private static readonly (string Method, string[] Segments, string Route)[] Routes =
        new[]
        {
            IggyHttpRoutes.Root, IggyHttpRoutes.Ping, IggyHttpRoutes.Login, IggyHttpRoutes.CreateStream, IggyHttpRoutes.GetStream,
            IggyHttpRoutes.CreateTopic, IggyHttpRoutes.GetTopic, IggyHttpRoutes.UpdateTopic, IggyHttpRoutes.PurgeTopic, IggyHttpRoutes.CreateConsumerGroup,
            IggyHttpRoutes.GetConsumerGroup, IggyHttpRoutes.DeleteConsumerGroup, IggyHttpRoutes.SendMessages, IggyHttpRoutes.Stats,
        }.Select(route => (route[..route.IndexOf(' ', StringComparison.Ordinal)], Segments(route[(route.IndexOf(' ', StringComparison.Ordinal) + 1)..]), route)).ToArray();

    private readonly WebApplication _app;
    private readonly IggyJwt _jwt;
    private readonly IggyHttpHandlers _handlers;
    private readonly bool _ownsModel;
    private readonly Lock _lock = new();
    private readonly List<HttpRecordedRequest> _requests = [];
    private readonly List<(string Token, ulong Expiry)> _tokens = [];
    private readonly List<string> _failures = [];

    private IggyHttpServer(WebApplication app, SimulatedIggyServer model, IggyHttpServerOptions options, bool ownsModel)
    {
        _app = app;
        Model = model;
        _ownsModel = ownsModel;
        _jwt = new IggyJwt(model.Clock, options.AccessTokenExpiry);
        _handlers = new IggyHttpHandlers(model, _jwt, options.Host, options.Host.StartedAt ?? model.Clock.GetUtcNow());
        app.Run(ServeAsync);
    }

    /// <summary>
    /// Starts listening over <paramref name="model"/>, whose root user logs in. <paramref name="ownsModel"/>: the model's
    /// timers are disposed with the server, as <see cref="Tcp.IggyTcpServer"/> disposes those of the model it makes.
    /// </summary>
    public static async Task<IggyHttpServer> StartAsync(SimulatedIggyServer model, IggyHttpServerOptions? options = null, bool ownsModel = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new IggyHttpServerOptions();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port);
            kestrel.Limits.MaxRequestBodySize = null;
        });
        var server = new IggyHttpServer(builder.Build(), model, options, ownsModel);
        await server._app.StartAsync(cancellationToken).ConfigureAwait(false);
        return server;
    }

    /// <summary>As <see cref="StartAsync"/>, waiting for the listener, like <see cref="Tcp.IggyTcpServer.Start"/>.</summary>
    public static IggyHttpServer Start(SimulatedIggyServer model, IggyHttpServerOptions? options = null, bool ownsModel = false) =>
        StartAsync(model, options, ownsModel).GetAwaiter().GetResult();

    /// <summary>The model; read it through <see cref="Inspect{T}"/>, which holds its gate.</summary>
    public SimulatedIggyServer Model { get; }

    /// <summary>The faults to apply, per route (<see cref="IggyHttpRoutes"/>).</summary>
    public IggyHttpFaultScript Faults { get; } = new();

    /// <summary>The base address, <c>http://127.0.0.1:&lt;port&gt;/</c>.</summary>
    public Uri BaseAddress => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/') + "/");

    public int Port => BaseAddress.Port;

    /// <summary>The address as <c>host:port</c>, like <see cref="Tcp.IggyTcpServer.Address"/>.</summary>
    public string Address => $"127.0.0.1:{Port}";

    /// <summary>Every request answered, in the order answered.</summary>
    public IReadOnlyList<HttpRecordedRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return _requests.ToArray();
            }
        }
    }

    /// <summary>Every access token a login was answered with, in order.</summary>
    public IReadOnlyList<string> IssuedTokens
    {
        get
        {
            lock (_lock)
            {
                return _tokens.Select(token => token.Token).ToArray();
            }
        }
    }

    /// <summary>Every request this server failed on itself (answered 500), each also written to standard error.</summary>
    public IReadOnlyList<string> Failures
    {
        get
        {
            lock (_lock)
            {
                return _failures.ToArray();
            }
        }
    }

    /// <summary>Reads the model under its gate.</summary>
    public T Inspect<T>(Func<SimulatedIggyServer, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        lock (Model.Gate)
        {
            return read(Model);
        }
    }

    /// <summary>Changes the model under its gate (a test's setup).</summary>
    public void Change(Action<SimulatedIggyServer> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (Model.Gate)
        {
            change(Model);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        if (_ownsModel)
        {
            await Model.DisposeTimersAsync().ConfigureAwait(false);
        }
    }

    private async Task ServeAsync(HttpContext context)
    {
        var request = context.Request;
        var rawPath = RawPath(context);
        var (body, tooLarge) = await ReadBodyAsync(request, context.RequestAborted).ConfigureAwait(false);
        var authorization = request.Headers.Authorization.ToString();
        string? route = null;
        IggyHttpFault? fault = null;
        IReadOnlyList<string> parameters = [];
        HttpAnswer answer;
        try
        {
            if (!IggyHttpRoutes.PublicPaths.Contains(rawPath) && !IsAuthorized(request.Headers.Authorization))
            {
                answer = HttpAnswer.Empty(401);
            }
            else if (Match(request.Method, rawPath) is not { } matched)
            {
                answer = HttpAnswer.Empty(MatchesAnyMethod(rawPath) ? 405 : 404);
            }
            else
            {
                (route, parameters) = matched;
                fault = Faults.Take(route);
                answer = await AnswerAsync(route, parameters, request.ContentType, body, tooLarge, fault, context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (HttpRejection rejection)
        {
            answer = rejection.Answer;
        }

        if (route == IggyHttpRoutes.Login && answer.Status == 200)
        {
            lock (_lock)
            {
                _tokens.Add(ReadToken(answer));
            }
        }

        lock (_lock)
        {
            _requests.Add(new HttpRecordedRequest(request.Method, DecodePath(rawPath), route, authorization, Encoding.UTF8.GetString(body), answer.Status, fault, Model.Clock.GetUtcNow()));
        }

        context.Response.StatusCode = answer.Status;
        if (answer.ContentType is { } contentType)
        {
            context.Response.ContentType = contentType;
            context.Response.ContentLength = answer.Body.Length;
            await context.Response.Body.WriteAsync(answer.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private async Task<HttpAnswer> AnswerAsync(string route, IReadOnlyList<string> parameters, string? contentType, byte[] body, bool tooLarge, IggyHttpFault? fault, CancellationToken cancellationToken)
    {
        switch (fault)
        {
            case IggyHttpFault.Refusal refusal:
                var refused = IggyHttpErrors.Iggy(refusal.Id, refusal.Code, refusal.Reason, refusal.Field);
                return refused with { Status = refusal.Status };
            case IggyHttpFault.Canned canned:
                return new HttpAnswer(canned.Status, canned.ContentType, Encoding.UTF8.GetBytes(canned.Body));
            case IggyHttpFault.BeforeApplying before:
                await before.First().ConfigureAwait(false);
                break;
        }

        if (tooLarge)
        {
            throw IggyHttpErrors.PayloadTooLarge();
        }

        HttpAnswer answer;
        try
        {
            answer = _handlers.Handle(route, parameters, contentType, body);
        }
        catch (IggyStatusException exception)
        {
            // A refusal of the model that a handler did not name: its code, as error.rs would answer it.
            answer = IggyHttpErrors.Iggy((uint)exception.StatusCode, "error", exception.Message);
        }
        catch (Exception exception) when (exception is not HttpRejection and not OutOfMemoryException)
        {
            var line = $"{route}: {exception}";
            lock (_lock)
            {
                _failures.Add(line);
            }

            await Console.Error.WriteLineAsync($"IggyHttpServer: {line}").ConfigureAwait(false);
            answer = HttpAnswer.Text(500, "The test server failed.");
        }

        if (fault is IggyHttpFault.LateAnswer late)
        {
            await Task.Delay(late.Delay, Model.Clock, cancellationToken).ConfigureAwait(false);
        }

        return answer;
    }

    /// <summary>jwt/middleware.rs:55-97: the first Authorization header, visible ASCII, <c>Bearer </c> then a token this server issued and that is valid.</summary>
    private bool IsAuthorized(Microsoft.Extensions.Primitives.StringValues header)
    {
        if (header.Count == 0 || header[0] is not { } value || value.Any(c => c is < ' ' or > '~') || !value.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return false;
        }

        return _jwt.Validate(value["Bearer ".Length..]) is not null;
    }

    private static (string Route, IReadOnlyList<string> Parameters)? Match(string method, string path)
    {
        var segments = Segments(path);
        foreach (var (routeMethod, template, route) in Routes)
        {
            if (routeMethod == method && TryBind(template, segments) is { } parameters)
            {
                return (route, parameters);
            }
        }

        return null;
    }

    private static bool MatchesAnyMethod(string path)
    {
        var segments = Segments(path);
        return Routes.Any(route => TryBind(route.Segments, segments) is not null);
    }

    private static List<string>? TryBind(string[] template, string[] segments)
    {
        if (template.Length != segments.Length)
        {
            return null;
        }

        var parameters = new List<string>();
        for (var i = 0; i < template.Length; i++)
        {
            if (template[i].StartsWith('{'))
            {
                if (segments[i].Length == 0)
                {
                    return null;
                }

                parameters.Add(Uri.UnescapeDataString(segments[i]));
            }
            else if (!string.Equals(template[i], segments[i], StringComparison.Ordinal))
            {
                return null;
            }
        }

        return parameters;
    }

    /// <summary>A path's segments after the leading slash: <c>"/"</c> has one empty segment, <c>"/streams/"</c> two.</summary>
    private static string[] Segments(string path) => path.Length <= 1 ? [""] : path[1..].Split('/');

    /// <summary>The request target's path as sent, before any decoding (axum routes on <c>uri().path()</c>).</summary>
    private static string RawPath(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "/";
        var query = target.IndexOf('?', StringComparison.Ordinal);
        return query >= 0 ? target[..query] : target;
    }

    private static string DecodePath(string rawPath) => string.Join('/', rawPath.Split('/').Select(Uri.UnescapeDataString));

    private static async Task<(byte[] Body, bool TooLarge)> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxRequestSize)
            {
                return (buffer.ToArray(), true);
            }

            buffer.Write(chunk, 0, read);
        }

        return (buffer.ToArray(), false);
    }

    private static (string Token, ulong Expiry) ReadToken(HttpAnswer answer)
    {
        var identity = System.Text.Json.Nodes.JsonNode.Parse(answer.Body)!;
        return ((string)identity["access_token"]!["token"]!, (ulong)identity["access_token"]!["expiry"]!);
    }
}
