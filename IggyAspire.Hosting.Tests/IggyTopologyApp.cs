using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using IggyAspire.TestServer.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IggyAspire.Hosting.Tests;

/// <summary>
/// An AppHost model with <c>iggy</c> (the container unless another server is added) <c>→ demo-stream → demo-topic (3) → demo-consumers</c> whose HTTP endpoint points at a
/// test server's HTTP front end, built but not started: the tests raise the server's ResourceReadyEvent themselves, as Aspire does once
/// the container's health check passes.
/// </summary>
internal sealed class IggyTopologyApp : IDisposable
{
    private IggyTopologyApp(IDistributedApplicationBuilder builder, DistributedApplication app, IResourceBuilder<IIggyServerResource> iggy, IResourceBuilder<IggyTopicResource> topic, IResourceBuilder<IggyConsumerGroupResource> group)
    {
        Builder = builder;
        App = app;
        Iggy = iggy.Resource;
        Stream = topic.Resource.Parent;
        Topic = topic.Resource;
        Group = group.Resource;
    }

    public IDistributedApplicationBuilder Builder { get; }

    public DistributedApplication App { get; }

    public IIggyServerResource Iggy { get; }

    public IggyStreamResource Stream { get; }

    public IggyTopicResource Topic { get; }

    public IggyConsumerGroupResource Group { get; }

    public static IggyTopologyApp Create(
        IggyHttpServer server,
        int partitions = 3,
        string password = "secret",
        Action<IDistributedApplicationBuilder>? configure = null,
        Func<IResourceBuilder<IggyStreamResource>, IResourceBuilder<IggyTopicResource>>? topic = null,
        Func<IDistributedApplicationBuilder, IResourceBuilder<IIggyServerResource>>? addServer = null)
    {
        var builder = AppModelBuilder.Create();
        builder.Configuration["Parameters:iggy-password"] = password;
        var iggy = addServer?.Invoke(builder) ?? builder.AddIggy("iggy");
        var stream = iggy.AddStream("demo-stream");
        var declared = topic?.Invoke(stream) ?? stream.AddTopic("demo-topic", partitions);
        var group = declared.AddConsumerGroup("demo-consumers");
        configure?.Invoke(builder);
        var app = builder.Build();
        IggyEndpoints.Allocate(iggy.Resource, "http", server.Port, "127.0.0.1");
        return new IggyTopologyApp(builder, app, iggy, declared, group);
    }

    public Task ServerReadyAsync() =>
        Builder.Eventing.PublishAsync(new ResourceReadyEvent(Iggy, App.Services), TestContext.Current.CancellationToken);

    public string? StateOf(IResource resource) =>
        App.Services.GetRequiredService<ResourceNotificationService>().TryGetCurrentState(resource.Name, out var current)
            ? current.Snapshot.State?.Text
            : null;

    public async Task<HealthReportEntry> HealthOfAsync(IResource resource)
    {
        var report = await App.Services.GetRequiredService<HealthCheckService>()
            .CheckHealthAsync(r => r.Name == $"{resource.Name}_check", TestContext.Current.CancellationToken);
        return Assert.Single(report.Entries).Value;
    }

    /// <summary>The resource's log once a line contains <paramref name="expected"/> (at most 10 s).</summary>
    public async Task<string> LogOfAsync(IResource resource, string expected)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var lines = new List<string>();
        try
        {
            await foreach (var batch in App.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(resource).WithCancellation(timeout.Token))
            {
                lines.AddRange(batch.Select(line => line.Content));
                if (lines.Any(line => line.Contains(expected, StringComparison.Ordinal)))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            // Returned as is: the caller's assertion shows what the log held.
        }

        return string.Join('\n', lines);
    }

    public void Dispose() => App.Dispose();
}
