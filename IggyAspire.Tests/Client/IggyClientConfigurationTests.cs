using Apache.Iggy.Configuration;
using IggyAspire.Client;
using IggyAspire.Messaging.Connection;
using Microsoft.Extensions.Logging.Abstractions;

namespace IggyAspire.Tests.Client;

public sealed class IggyClientConfigurationTests
{
    private static readonly IggyServerAddress Server = new("iggy.example", 8090);

    [Fact]
    public void Without_options_the_client_reconnects_without_limit_backing_off_from_1s_to_10s_in_plain_TCP()
    {
        var configurator = Create("iggy://iggy:secret@iggy.example:8090");

        Assert.Equal("iggy.example:8090", configurator.BaseAddress);
        Assert.True(configurator.ReconnectionSettings.Enabled);
        Assert.Equal(0, configurator.ReconnectionSettings.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(1), configurator.ReconnectionSettings.InitialDelay);
        Assert.Equal(TimeSpan.FromSeconds(10), configurator.ReconnectionSettings.MaxDelay);
        Assert.True(configurator.ReconnectionSettings.UseExponentialBackoff);
        Assert.False(configurator.TlsSettings.Enabled);
        Assert.Equal(("iggy", "secret"), (configurator.AutoLoginSettings.Username, configurator.AutoLoginSettings.Password));
        Assert.Empty(IggyClientConfiguration.IgnoredOptions(new IggyTcpOptions()));
    }

    [Fact]
    public void Reconnection_retries_and_interval_map_to_the_SDKs_retry_limit_and_a_fixed_delay()
    {
        var reconnection = Create("iggy://iggy:secret@iggy.example:8090?reconnection_retries=5&reconnection_interval=3s").ReconnectionSettings;

        Assert.True(reconnection.Enabled);
        Assert.Equal(5, reconnection.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(3), reconnection.InitialDelay);
        Assert.False(reconnection.UseExponentialBackoff);
    }

    [Theory]
    [InlineData("reconnection_retries=unlimited", true, 0)]
    [InlineData("reconnection_retries=0", false, 0)]
    [InlineData("reconnection_retries=4294967295", true, int.MaxValue)]
    public void No_retries_turns_reconnection_off_because_the_SDK_reads_0_as_unlimited(string option, bool enabled, int maxRetries)
    {
        var reconnection = Create($"iggy://iggy:secret@iggy.example:8090?{option}").ReconnectionSettings;

        Assert.Equal((enabled, maxRetries), (reconnection.Enabled, reconnection.MaxRetries));
    }

    [Fact]
    public void An_interval_longer_than_Task_Delay_can_wait_is_cut_to_its_longest()
    {
        var reconnection = Create("iggy://iggy:secret@iggy.example:8090?reconnection_interval=1y").ReconnectionSettings;

        Assert.Equal(TimeSpan.FromMilliseconds(uint.MaxValue - 1), reconnection.InitialDelay);
    }

    [Fact]
    public void Tls_with_a_CA_file_checks_the_server_as_the_host_it_connects_to_unless_tls_domain_names_another()
    {
        var caFile = Path.GetTempFileName();
        try
        {
            var byHost = Create($"iggy://iggy:secret@iggy.example:8090?tls=true&tls_ca_file={caFile}").TlsSettings;
            var byDomain = Create($"iggy://iggy:secret@iggy.example:8090?tls=true&tls_ca_file={caFile}&tls_domain=iggy.internal").TlsSettings;

            Assert.Equal((true, "iggy.example", caFile), (byHost.Enabled, byHost.Hostname, byHost.CertificatePath));
            Assert.Equal("iggy.internal", byDomain.Hostname);
        }
        finally
        {
            File.Delete(caFile);
        }
    }

    [Theory]
    [InlineData("tls=true", "no tls_ca_file")]
    [InlineData("tls=true&tls_ca_file=/nonexistent/ca.pem", "tls_ca_file='/nonexistent/ca.pem', which is not an existing file")]
    public void Tls_without_a_readable_CA_file_fails_before_connecting_naming_the_option(string options, string problem)
    {
        var failure = Assert.Throws<InvalidOperationException>(() => Create($"iggy://iggy:secret@iggy.example:8090?{options}"));

        Assert.StartsWith("ConnectionStrings:iggy ", failure.Message, StringComparison.Ordinal);
        Assert.Contains(problem, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_the_SDK_has_no_setting_for_are_named_as_ignored_when_given()
    {
        var options = IggyConnectionString.Parse(
            "iggy://iggy:secret@iggy.example:8090?reestablish_after=5s&heartbeat_interval=5s&nodelay=true&tls=false&reconnection_retries=3").Options;

        Assert.Equal(["reestablish_after", "nodelay"], IggyClientConfiguration.IgnoredOptions(options));
        Assert.Empty(IggyClientConfiguration.IgnoredOptions(options with { ReestablishAfter = null, NoDelay = false }));
    }

    private static IggyClientConfigurator Create(string connectionString)
    {
        var parsed = IggyConnectionString.Parse(connectionString);
        return IggyClientConfiguration.Create("iggy", Server, (parsed.Username!, parsed.Password!), parsed.Options, NullLoggerFactory.Instance);
    }
}
