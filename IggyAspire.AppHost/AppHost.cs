using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

// An Iggy server of your own (ConnectionStrings:iggy in user secrets or the environment), else one in a container.
IResourceBuilder<IResourceWithConnectionString> iggy = builder.Configuration.GetConnectionString("iggy") is null
    ? builder.AddIggy("iggy").WithDataVolume().WithWebUI()
    : builder.AddConnectionString("iggy");

var topology = builder.Configuration.GetSection("Iggy:Topology");

builder.AddProject<Projects.IggyAspire_Producer>("producer")
    .WithReference(iggy).WaitFor(iggy)
    .WithIggyTopology(topology)
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.IggyAspire_Consumer>("consumer")
    .WithReference(iggy).WaitFor(iggy)
    .WithIggyTopology(topology)
    .WithHttpHealthCheck("/health")
    .WithReplicas(2);

builder.Build().Run();
