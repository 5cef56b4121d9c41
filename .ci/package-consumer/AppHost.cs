// Builds against the packed IggyAspire.Hosting package, as a user's AppHost does: a server and a topic.
var builder = DistributedApplication.CreateBuilder(args);

var iggy = builder.AddIggy("iggy");
iggy.AddStream("demo-stream").AddTopic("demo-topic", partitions: 2).AddConsumerGroup("demo-consumers");

builder.Build().Run();
