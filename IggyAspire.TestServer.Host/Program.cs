using IggyAspire.TestServer.Host;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddOptions<TestServerSettings>().BindConfiguration("").ValidateOnStart();
builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<TestServerSettings>, TestServerSettingsValidator>();
builder.Services.AddHostedService<TestServerService>();
builder.Build().Run();
