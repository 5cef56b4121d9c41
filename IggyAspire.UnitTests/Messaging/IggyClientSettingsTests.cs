using IggyAspire.Messaging.Connection;

namespace IggyAspire.UnitTests.Messaging;

public sealed class IggyClientSettingsTests
{
    [Fact]
    public void Credentials_come_from_the_connection_string_unless_settings_override_them()
    {
        var connectionString = IggyConnectionString.Parse("iggy://iggy:from-string@localhost:8090");

        Assert.Equal(("iggy", "from-string"), new IggyClientSettings().ResolveCredentials("iggy", connectionString));
        Assert.Equal(("ops", "from-settings"), new IggyClientSettings { Username = "ops", Password = "from-settings" }.ResolveCredentials("iggy", connectionString));
    }

    [Fact]
    public void Missing_credentials_fail_naming_every_key_that_could_give_them()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => new IggyClientSettings().ResolveCredentials("iggy", IggyConnectionString.Parse("iggy://localhost:8090")));

        Assert.Contains("ConnectionStrings:iggy", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Aspire:Apache:Iggy:Username", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Aspire:Apache:Iggy:Password", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_connection_string_fails_naming_where_it_came_from()
    {
        var settings = new IggyClientSettings { ConnectionString = "iggy://iggy:secret@localhost" };

        var failure = Assert.Throws<FormatException>(() => settings.ParseConnectionString("iggy"));

        Assert.StartsWith("ConnectionStrings:iggy", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_option_fails_naming_where_it_came_from_and_the_option_but_not_the_password()
    {
        var settings = new IggyClientSettings { ConnectionString = "iggy://iggy:secret@localhost:8090?reconnection_interval=soon" };

        var failure = Assert.Throws<FormatException>(() => settings.ParseConnectionString("iggy"));

        Assert.StartsWith("ConnectionStrings:iggy", failure.Message, StringComparison.Ordinal);
        Assert.Contains("reconnection_interval='soon'", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_connection_string_is_not_an_error_service_discovery_may_name_the_server()
    {
        Assert.Null(new IggyClientSettings().ParseConnectionString("iggy"));
    }

    [Fact]
    public void A_connect_timeout_that_is_not_positive_fails_naming_the_key()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => new IggyClientSettings { ConnectTimeout = TimeSpan.Zero }.Validate());

        Assert.Contains("Aspire:Apache:Iggy:ConnectTimeout", failure.Message, StringComparison.Ordinal);
    }
}
