using System.Diagnostics;
using System.Diagnostics.Metrics;
using IggyAspire.Messaging.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace IggyAspire.UnitTests.ServiceDefaults;

public sealed class OpenTelemetryRegistrationTests
{
    [Fact]
    public async Task Spans_of_the_messaging_source_are_exported_and_spans_of_unknown_sources_are_not()
    {
        var exported = new List<Activity>();
        var builder = Host.CreateApplicationBuilder();
        builder.AddServiceDefaults();
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(exported));
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);

        // Messaging tests running in parallel start spans of the same source: only this test's span name counts.
        var name = $"send {Guid.NewGuid():N}";
        using (var messaging = new ActivitySource(MessagingTelemetry.ActivitySourceName))
        using (var unknown = new ActivitySource("Somebody.Else"))
        {
            messaging.StartActivity(name, ActivityKind.Producer)?.Dispose();
            unknown.StartActivity(name, ActivityKind.Producer)?.Dispose();
        }

        host.Services.GetRequiredService<TracerProvider>().ForceFlush();
        var exportedSource = Assert.Single(exported, activity => activity.DisplayName == name).Source.Name;
        Assert.Equal(MessagingTelemetry.ActivitySourceName, exportedSource);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Instruments_of_the_messaging_meter_are_exported()
    {
        var exported = new List<Metric>();
        var builder = Host.CreateApplicationBuilder();
        builder.AddServiceDefaults();
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(exported));
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);

        // Messaging tests running in parallel record on the same meter: only this test's instrument counts.
        var name = $"messaging.test.{Guid.NewGuid():N}";
        using (var meter = new Meter(MessagingTelemetry.MeterName))
        {
            meter.CreateCounter<long>(name).Add(3);
            host.Services.GetRequiredService<MeterProvider>().ForceFlush();
        }

        var sent = Assert.Single(exported, metric => metric.Name == name);
        Assert.Equal(MessagingTelemetry.MeterName, sent.MeterName);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }
}
