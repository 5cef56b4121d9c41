using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using IggyAspire.Messaging.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Exporter;
using OpenTelemetry.Trace;

namespace IggyAspire.UnitTests.ServiceDefaults;

public sealed class OtlpExporterTests
{
    [Fact]
    public void Without_an_endpoint_no_OTLP_exporter_is_registered()
    {
        // No defaults: an OTEL_EXPORTER_OTLP_ENDPOINT in the environment running the tests must not count.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });

        builder.AddServiceDefaults();

        Assert.DoesNotContain(builder.Services, IsOtlpExporterService);
    }

    [Fact]
    public async Task With_an_endpoint_spans_reach_the_OTLP_collector()
    {
        using var collector = new OtlpCollector();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration[Extensions.OtlpEndpointKey] = collector.Endpoint;
        builder.Configuration["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";

        builder.AddServiceDefaults();
        Assert.Contains(builder.Services, IsOtlpExporterService);

        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        using (var source = new ActivitySource(MessagingTelemetry.ActivitySourceName))
        {
            source.StartActivity("send demo-topic", ActivityKind.Producer)?.Dispose();
        }

        var flush = Task.Run(() => host.Services.GetRequiredService<TracerProvider>().ForceFlush(), TestContext.Current.CancellationToken);
        var request = await collector.NextRequestAsync("/v1/traces", TimeSpan.FromSeconds(30));
        await flush;

        Assert.NotEmpty(request.Body);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    private static bool IsOtlpExporterService(ServiceDescriptor descriptor) =>
        descriptor.ServiceType.Assembly == typeof(OtlpExporterOptions).Assembly
        || (descriptor.ServiceType.IsGenericType
            && descriptor.ServiceType.GetGenericArguments().Any(argument => argument.Assembly == typeof(OtlpExporterOptions).Assembly));

    /// <summary>
    /// An HTTP listener on a free loopback port that answers every post at once and records it. Answering all of them
    /// matters: the host's metrics and logs exporters post too, and an unanswered post holds the host's stop for the
    /// exporter's 10 s timeout.
    /// </summary>
    private sealed class OtlpCollector : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Channel<(string Path, byte[] Body)> _requests = Channel.CreateUnbounded<(string, byte[])>();
        private readonly Task _answering;

        public OtlpCollector()
        {
            Endpoint = $"http://127.0.0.1:{FreePort()}/";
            _listener.Prefixes.Add(Endpoint);
            _listener.Start();
            _answering = Task.Run(AnswerAllAsync);
        }

        public string Endpoint { get; }

        /// <summary>The next post to <paramref name="path"/>; posts to other paths are answered and passed over.</summary>
        public async Task<(string Path, byte[] Body)> NextRequestAsync(string path, TimeSpan timeout)
        {
            using var waiting = new CancellationTokenSource(timeout);
            while (true)
            {
                var request = await _requests.Reader.ReadAsync(waiting.Token);
                if (request.Path == path)
                {
                    return request;
                }
            }
        }

        public void Dispose()
        {
            _listener.Close();
            _answering.Wait(TimeSpan.FromSeconds(5));
        }

        private async Task AnswerAllAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                context.Response.StatusCode = 200;
                context.Response.Close();
                _requests.Writer.TryWrite((context.Request.Url!.AbsolutePath, body.ToArray()));
            }
        }

        private static int FreePort()
        {
            using var socket = new TcpListener(IPAddress.Loopback, 0);
            socket.Start();
            return ((IPEndPoint)socket.LocalEndpoint).Port;
        }
    }
}
