using IggyAspire.Tests.EndToEnd.Harness;
using IggyAspire.Tests.EndToEnd.Prerequisites;

namespace IggyAspire.Tests.EndToEnd;

/// <summary>
/// One app for the tests that only watch it (<see cref="RunningAppTests"/>): started once for the class, because
/// starting takes tens of seconds and watching changes nothing. Tests that stop or restart a resource start their own
/// app instead (<see cref="ConsumerRestartTests"/>, <see cref="ServerRestartTests"/>), so no test depends on another's
/// order or leftovers. When the machine cannot run the app, nothing is started and every test is skipped with the reason.
/// </summary>
public sealed class RunningAppFixture : IAsyncLifetime
{
    private EndToEndEnvironment? _environment;
    private IggyTestApp? _app;

    /// <summary>What this machine runs the app on; skips the calling test when it cannot run it at all.</summary>
    internal EndToEndEnvironment Environment =>
        (_environment ?? throw new InvalidOperationException("The fixture was not initialized.")).Require();

    /// <summary>The running app; skips the calling test when this machine cannot run it.</summary>
    internal IggyTestApp App
    {
        get
        {
            (_environment ?? throw new InvalidOperationException("The fixture was not initialized.")).Require();
            return _app ?? throw new InvalidOperationException("The app did not start.");
        }
    }

    public async ValueTask InitializeAsync()
    {
        _environment = await EndToEndEnvironment.CurrentAsync();
        if (_environment.MissingReason is null)
        {
            _app = await IggyTestApp.StartAsync(_environment, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
