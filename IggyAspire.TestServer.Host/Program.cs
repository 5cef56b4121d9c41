using IggyAspire.TestServer.Host;
using OpenTelemetry;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddOptions<TestServerSettings>().BindConfiguration("").ValidateOnStart();
builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<TestServerSettings>, TestServerSettingsValidator>();
builder.Services.AddHostedService<TestServerService>();

// Where Aspire runs it, its logs (the warning that it is not Iggy first) reach the dashboard's structured logs.
if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
{
    builder.Logging.AddOpenTelemetry(logging => logging.IncludeFormattedMessage = true);
    builder.Services.AddOpenTelemetry().UseOtlpExporter();
}

builder.Build().Run();
