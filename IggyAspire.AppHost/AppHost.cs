var builder = DistributedApplication.CreateBuilder(args);

builder.AddProject<Projects.IggyAspire_Producer>("producer");

builder.AddProject<Projects.IggyAspire_Consumer>("consumer");

builder.Build().Run();
