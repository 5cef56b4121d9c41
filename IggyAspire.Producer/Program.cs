using IggyAspire.Producer;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddIggyClient("iggy");
builder.AddIggyProducer("iggy", DemoMessageJsonContext.Default.DemoMessage);

builder.Services.AddOptions<DemoProducerOptions>().BindConfiguration(DemoProducerOptions.SectionName).ValidateOnStart();
builder.Services.AddSingleton<IValidateOptions<DemoProducerOptions>, DemoProducerOptionsValidator>();
builder.Services.AddHostedService<DemoProducer>();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
