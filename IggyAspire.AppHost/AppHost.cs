using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

var producer = builder.AddProject<Projects.IggyAspire_Producer>("producer").WithHttpHealthCheck("/health");
var consumer = builder.AddProject<Projects.IggyAspire_Consumer>("consumer").WithHttpHealthCheck("/health").WithReplicas(2);

if (builder.Configuration.GetConnectionString("iggy") is null)
{
    // The server in a container, or with `--launch-profile test-server` where Docker is missing the in-memory test
    // server, which is not Iggy and keeps nothing (README: when to use which). The topology it serves is created once
    // it is ready; each worker waits for its part.
    IResourceBuilder<IIggyServerResource> iggy = builder.Configuration["IggyAspire:Server"] == "test-server"
        ? builder.AddIggyTestServer<Projects.IggyAspire_TestServer_Host>("iggy")
        : builder.AddIggy("iggy").WithDataVolume().WithWebUI().WithHeartbeat();
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
