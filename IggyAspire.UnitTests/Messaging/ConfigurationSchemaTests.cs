using System.Reflection;
using System.Text.Json.Nodes;
using IggyAspire.Messaging;
using IggyAspire.Messaging.Connection;

namespace IggyAspire.UnitTests.Messaging;

/// <summary>
/// Each package's ConfigurationSchema.json (written by hand: Aspire's generator is not a package) names exactly the
/// settings its classes bind, with their defaults, so appsettings.json completion never offers a key that does nothing.
/// </summary>
public sealed class ConfigurationSchemaTests
{
    [Theory]
    [InlineData("IggyAspire.Messaging.json", "Producer", typeof(IggyProducerSettings))]
    [InlineData("IggyAspire.Messaging.json", "Consumer", typeof(IggyConsumerSettings))]
    [InlineData("IggyAspire.Client.json", null, typeof(IggyClientSettings))]
    public void The_schema_names_every_bindable_setting_and_nothing_else(string schema, string? section, Type settings)
    {
        var node = Section(schema, section);

        Assert.Equal(Bindable(settings, ""), Keys(node, ""));
    }

    [Fact]
    public void The_schemas_defaults_are_the_settings_defaults()
    {
        var consumer = Section("IggyAspire.Messaging.json", "Consumer")["properties"]!;
        var defaults = new IggyConsumerSettings();

        Assert.Equal(defaults.BatchSize, (int)consumer["BatchSize"]!["default"]!);
        Assert.Equal(defaults.PollInterval, TimeSpan.Parse((string)consumer["PollInterval"]!["default"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(defaults.FailurePolicy.ToString(), (string)consumer["FailurePolicy"]!["default"]!);
        Assert.Equal(Enum.GetNames<IggyFailurePolicy>(), consumer["FailurePolicy"]!["enum"]!.AsArray().Select(value => (string)value!));
        Assert.Equal(defaults.Retry.MaxRetryAttempts, (int)consumer["Retry"]!["properties"]!["MaxRetryAttempts"]!["default"]!);
        Assert.Equal(defaults.Retry.Delay, TimeSpan.Parse((string)consumer["Retry"]!["properties"]!["Delay"]!["default"]!, System.Globalization.CultureInfo.InvariantCulture));
        var client = Section("IggyAspire.Client.json", null)["properties"]!;
        Assert.Equal(new IggyClientSettings().ConnectTimeout, TimeSpan.Parse((string)client["ConnectTimeout"]!["default"]!, System.Globalization.CultureInfo.InvariantCulture));
    }

    private static JsonNode Section(string schema, string? section)
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Schemas", schema)))!;
        var iggy = root["properties"]!["Aspire"]!["properties"]!["Apache"]!["properties"]!["Iggy"]!;
        return section is null ? iggy : iggy["properties"]![section]!;
    }

    private static List<string> Keys(JsonNode node, string prefix) =>
    [
        .. node["properties"]!.AsObject()
            .SelectMany(property => property.Value!["properties"] is null ? [prefix + property.Key] : Keys(property.Value, $"{prefix}{property.Key}:"))
            .Order(StringComparer.Ordinal),
    ];

    private static List<string> Bindable(Type type, string prefix) =>
    [
        .. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(property => property.SetMethod is { IsPublic: true })
            .SelectMany(property => property.PropertyType.IsClass && property.PropertyType != typeof(string)
                ? Bindable(property.PropertyType, $"{prefix}{property.Name}:")
                : [prefix + property.Name])
            .Order(StringComparer.Ordinal),
    ];
}
