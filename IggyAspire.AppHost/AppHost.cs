var builder = DistributedApplication.CreateBuilder(args);

var iggy = builder.AddIggy("iggy")
    .WithDataVolume()
    .WithWebUI();

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
