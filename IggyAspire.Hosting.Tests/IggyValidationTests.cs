using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace IggyAspire.Hosting.Tests;

public sealed class IggyValidationTests
{
    [Theory]
    [InlineData(0, null)]
    [InlineData(65536, null)]
    [InlineData(null, -1)]
    public void A_host_port_out_of_range_fails_at_the_call_naming_it(int? tcpPort, int? httpPort)
    {
        var builder = AppModelBuilder.Create();

        var failure = Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddIggy("iggy", tcpPort: tcpPort, httpPort: httpPort));

        Assert.Equal(tcpPort is null ? "httpPort" : "tcpPort", failure.ParamName);
    }

    // Names arrive as data, not literals at the call: analyzer ASPIRE006 refuses an invalid literal at compile time,
    // and these tests are about what a name computed at run time gets.
    [Theory]
    [InlineData("")]
    [InlineData("1iggy")]
    [InlineData("iggy--server")]
    [InlineData("iggy-")]
    [InlineData("iggy_server")]
    public void An_invalid_name_fails_at_the_call_naming_it(string name)
    {
        var builder = AppModelBuilder.Create();

        var failure = Assert.ThrowsAny<ArgumentException>(() => builder.AddIggy(name));

        Assert.Equal("name", failure.ParamName);
        Assert.Empty(builder.Resources);
    }

    [Fact]
    public async Task An_empty_image_tag_fails_before_anything_starts_naming_it()
    {
        var builder = PublishingBuilder();
        builder.AddIggy("iggy").WithImageTag("");

        var failure = await Assert.ThrowsAsync<DistributedApplicationException>(() => BeforeStartAsync(builder));

        Assert.Contains("'iggy' has an empty image tag", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endpoint_port_overridden_out_of_range_fails_before_anything_starts_naming_it()
    {
        var builder = PublishingBuilder();
        builder.AddIggy("iggy").WithEndpoint("tcp", endpoint => endpoint.TargetPort = 70000);

        var failure = await Assert.ThrowsAsync<DistributedApplicationException>(() => BeforeStartAsync(builder));

        Assert.Contains("endpoint 'tcp' has target port 70000", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_defaults_pass_the_same_check()
    {
        var builder = PublishingBuilder();
        builder.AddIggy("iggy").WithDataVolume().WithWebUI();

        await BeforeStartAsync(builder);
    }

    // The check runs on BeforeStartEvent, in run and publish mode alike. Publish mode lets the test raise the event
    // without the orchestrator, whose own run-mode handlers need it installed.
    private static IDistributedApplicationBuilder PublishingBuilder() => AppModelBuilder.Create("--operation", "publish");

    private static async Task BeforeStartAsync(IDistributedApplicationBuilder builder)
    {
        using var app = builder.Build();
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        await builder.Eventing.PublishAsync(new BeforeStartEvent(app.Services, model), TestContext.Current.CancellationToken);
    }
}
