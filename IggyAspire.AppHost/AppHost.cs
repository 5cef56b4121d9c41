using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

var builder = DistributedApplication.CreateBuilder(args);

var producer = builder.AddProject<Projects.IggyAspire_Producer>("producer").WithHttpHealthCheck("/health");
var consumer = builder.AddProject<Projects.IggyAspire_Consumer>("consumer").WithHttpHealthCheck("/health").WithReplicas(2);

if (builder.Configuration["IggyAspire:Server"] == "test-server")
{
    // No Docker (`--launch-profile test-server`): the in-memory test server as `iggy`. It is not Iggy and keeps nothing
    // (README: when to use which); the workers create their topology themselves, with the 3 partitions declared here.
    var password = builder.AddParameter("iggy-password", new GenerateParameterDefault { MinLength = 22, Special = false }, secret: true, persist: true);
    var iggy = builder.AddProject<Projects.IggyAspire_TestServer_Host>("iggy")
        .WithEndpoint(name: "tcp", scheme: "tcp")
        .WithHttpEndpoint(name: "http");
    var tcp = iggy.GetEndpoint("tcp");
    var http = iggy.GetEndpoint("http");
    iggy.WithEnvironment("IGGY_TCP_ADDRESS", ReferenceExpression.Create($"127.0.0.1:{tcp.Property(EndpointProperty.TargetPort)}"))
        .WithEnvironment("IGGY_HTTP_ADDRESS", ReferenceExpression.Create($"127.0.0.1:{http.Property(EndpointProperty.TargetPort)}"))
        .WithEnvironment("IGGY_ROOT_PASSWORD", password)
        .WithHttpHealthCheck("/ping", endpointName: "http")
        .WithInitialState(new CustomResourceSnapshot
        {
            ResourceType = "IggyTestServer",
            Properties =
            [
                new("iggy.server", "the IggyAspire test server, not Iggy: an in-memory model of Iggy server 0.8.0"),
                new("iggy.keeps", "nothing: a restart starts empty"),
                new("iggy.not_modelled", "segments, retention, persistence, clustering"),
            ],
        });
    builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
    {
        AppHostLog.TestServerInsteadOfIggy(@event.Services.GetRequiredService<ILoggerFactory>().CreateLogger("IggyAspire.AppHost"));
        return Task.CompletedTask;
    });
    var connectionString = ReferenceExpression.Create($"iggy://iggy:{password}@{tcp.Property(EndpointProperty.HostAndPort)}");
    foreach (var worker in new[] { producer, consumer })
    {
        worker.WithEnvironment("ConnectionStrings__iggy", connectionString).WithEnvironment("Iggy__Topology__Partitions", "3").WaitFor(iggy);
    }
}
else if (builder.Configuration.GetConnectionString("iggy") is null)
{
    // The server in a container, and the topology it serves, created once it is ready; each worker waits for its part.
    var iggy = builder.AddIggy("iggy").WithDataVolume().WithWebUI().WithHeartbeat();
    var topic = iggy.AddStream("demo-stream").AddTopic("demo-topic", partitions: 3);
    var group = topic.AddConsumerGroup("demo-consumers");
    producer.WithReference(topic, "iggy").WaitFor(topic);
    consumer.WithReference(group, "iggy").WaitFor(group);
}
else
{
    // A server of your own (ConnectionStrings:iggy): the workers create what topology is missing themselves.
    var existing = builder.AddConnectionString("iggy");
    producer.WithReference(existing).WaitFor(existing);
    consumer.WithReference(existing).WaitFor(existing);
}

builder.Build().Run();
