using Microsoft.Extensions.Options;

namespace IggyAspire.TestServer.Host;

/// <summary>Refuses settings the test server cannot start with, naming the key; the password is never echoed.</summary>
internal sealed class TestServerSettingsValidator : IValidateOptions<TestServerSettings>
{
    public ValidateOptionsResult Validate(string? name, TestServerSettings options)
    {
        var failures = new List<string>();
        foreach (var (key, address) in new[] { ("IGGY_TCP_ADDRESS", options.TcpAddress), ("IGGY_HTTP_ADDRESS", options.HttpAddress) })
        {
            if (TestServerSettings.LoopbackPort(address) is null)
            {
                failures.Add($"{key} must be 127.0.0.1:<port> or localhost:<port> (the test server listens on loopback only), not '{address}'.");
            }
        }

        if (string.IsNullOrEmpty(options.RootUsername))
        {
            failures.Add("IGGY_ROOT_USERNAME must not be empty.");
        }

        if (string.IsNullOrEmpty(options.RootPassword))
        {
            failures.Add("IGGY_ROOT_PASSWORD is required: the test server has no default password.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
