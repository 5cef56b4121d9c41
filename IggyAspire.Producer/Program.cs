using IggyAspire.Producer;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddIggyClient("iggy");
builder.Services.AddIggyProducer(builder.Configuration);

builder.Services.AddHostedService<ProducerWorker>();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
