using IggyAspire.Consumer;
using IggyAspire.Producer;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddIggyClient("iggy");
builder.AddIggyConsumer<DemoMessage, DemoMessageHandler>("iggy", DemoMessageJsonContext.Default.DemoMessage);

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
