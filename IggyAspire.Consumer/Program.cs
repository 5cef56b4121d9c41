using IggyAspire.Consumer;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddIggyClient("iggy");
builder.Services.AddIggyConsumer(builder.Configuration);

builder.Services.AddHostedService<ConsumerWorker>();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
