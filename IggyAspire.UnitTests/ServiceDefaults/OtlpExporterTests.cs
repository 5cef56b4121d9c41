using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
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
        var builder = Host.CreateApplicationBuilder();

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
        var request = await collector.NextRequestAsync(TimeSpan.FromSeconds(30));
        await flush;

        Assert.Equal("/v1/traces", request.Path);
        Assert.NotEmpty(request.Body);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    private static bool IsOtlpExporterService(ServiceDescriptor descriptor) =>
        descriptor.ServiceType.Assembly == typeof(OtlpExporterOptions).Assembly
        || (descriptor.ServiceType.IsGenericType
            && descriptor.ServiceType.GetGenericArguments().Any(argument => argument.Assembly == typeof(OtlpExporterOptions).Assembly));

    /// <summary>An HTTP listener on a free loopback port that records what the exporter posts.</summary>
    private sealed class OtlpCollector : IDisposable
    {
        private readonly HttpListener _listener = new();

        public OtlpCollector()
        {
            Endpoint = $"http://127.0.0.1:{FreePort()}/";
            _listener.Prefixes.Add(Endpoint);
            _listener.Start();
        }

        public string Endpoint { get; }

        public async Task<(string Path, byte[] Body)> NextRequestAsync(TimeSpan timeout)
        {
            var context = await _listener.GetContextAsync().WaitAsync(timeout);
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            context.Response.StatusCode = 200;
            context.Response.Close();
            return (context.Request.Url!.AbsolutePath, body.ToArray());
        }

        public void Dispose() => _listener.Close();

        private static int FreePort()
        {
            using var socket = new TcpListener(IPAddress.Loopback, 0);
            socket.Start();
            return ((IPEndPoint)socket.LocalEndpoint).Port;
        }
    }
}
