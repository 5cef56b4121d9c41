using IggyAspire.Messaging.Connection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.ServiceDiscovery;

namespace IggyAspire.UnitTests.Messaging;

public sealed class IggyServerAddressResolverTests : IAsyncDisposable
{
    private readonly List<ServiceProvider> _providers = [];
    private static readonly IggyConnectionString FromConnectionString = IggyConnectionString.Parse("iggy://iggy:secret@iggy.example:18090");

    [Fact]
    public async Task The_endpoint_Aspire_provides_through_service_discovery_wins()
    {
        var resolver = Resolver(new() { ["services:iggy:tcp:0"] = "tcp://localhost:41234" });

        var address = await resolver.ResolveAsync("iggy", FromConnectionString, TestContext.Current.CancellationToken);

        Assert.Equal(new IggyServerAddress("localhost", 41234), address);
        Assert.Equal("localhost:41234", address.ToString());
    }

    [Theory]
    [InlineData("tcp://127.0.0.1:41234", "127.0.0.1")]
    [InlineData("127.0.0.1:41234", "127.0.0.1")]
    [InlineData("iggy-server:41234", "iggy-server")]
    public async Task Every_endpoint_form_service_discovery_returns_gives_host_and_port(string endpoint, string host)
    {
        var resolver = Resolver(new() { ["services:iggy:tcp:0"] = endpoint });

        var address = await resolver.ResolveAsync("iggy", null, TestContext.Current.CancellationToken);

        Assert.Equal(new IggyServerAddress(host, 41234), address);
    }

    [Fact]
    public async Task Without_service_discovery_the_connection_string_names_the_server()
    {
        var resolver = Resolver([]);

        var address = await resolver.ResolveAsync("iggy", FromConnectionString, TestContext.Current.CancellationToken);

        Assert.Equal(new IggyServerAddress("iggy.example", 18090), address);
    }

    [Fact]
    public async Task With_neither_the_error_names_both_keys()
    {
        var resolver = Resolver([]);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => resolver.ResolveAsync("iggy", null, TestContext.Current.CancellationToken));

        Assert.Contains("services:iggy:tcp:0", failure.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:iggy", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_IPv6_endpoint_is_refused_because_the_SDK_cannot_dial_it()
    {
        var resolver = Resolver(new() { ["services:iggy:tcp:0"] = "tcp://[::1]:41234" });

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => resolver.ResolveAsync("iggy", null, TestContext.Current.CancellationToken));

        Assert.Contains("IPv6", failure.Message, StringComparison.Ordinal);
    }

    // The endpoint resolver is only asynchronously disposable.
    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }
    }

    private IggyServerAddressResolver Resolver(Dictionary<string, string?> configuration)
    {
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build())
            .AddServiceDiscovery()
            .BuildServiceProvider();
        _providers.Add(services);
        return new IggyServerAddressResolver(services.GetRequiredService<ServiceEndpointResolver>());
    }
}
