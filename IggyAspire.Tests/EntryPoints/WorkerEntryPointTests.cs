using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IggyAspire.Tests.EntryPoints;

/// <summary>
/// A worker started through its real Program.cs: in process with every registration it makes, and as the built
/// program a user launches. A worker once crashed in its first second because a service read the connection while
/// the host was still constructing its hosted services; no test had built a worker's real host.
/// </summary>
public abstract partial class WorkerEntryPointTests<TEntryPoint>(string project, string optionKey, string optionFailure)
    where TEntryPoint : class
{
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_host_builds_with_DI_validation_and_starts_every_hosted_service()
    {
        await using var iggy = new FakeIggyServer("iggy", "secret");
        await using var factory = new WebApplicationFactory<TEntryPoint>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:iggy", $"iggy://iggy:secret@127.0.0.1:{iggy.Port}");
            web.UseDefaultServiceProvider(options =>
            {
                options.ValidateOnBuild = true;
                options.ValidateScopes = true;
            });
        });

        // Creating a client builds the host and awaits its StartAsync, which starts every hosted service in turn.
        using var http = factory.CreateClient();
        var health = await http.GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(["iggy"], iggy.Logins);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains(FakeIggyServer.PingCommand, iggy.Commands);
        var workers = factory.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
        Assert.NotEmpty(workers);
        Assert.All(workers, worker => Assert.False(worker.ExecuteTask is { IsFaulted: true }, $"{worker.GetType().Name} failed: {worker.ExecuteTask?.Exception}"));
    }

    [Fact]
    public async Task Against_a_closed_port_it_fails_only_with_the_connect_timeout_naming_its_key()
    {
        var run = await RunBuiltProgramAsync(new()
        {
            ["ConnectionStrings__iggy"] = $"iggy://iggy:secret@127.0.0.1:{ClosedPort()}",
            ["Aspire__Apache__Iggy__ConnectTimeout"] = "00:00:02",
        });

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("Aspire:Apache:Iggy:ConnectTimeout", run.Output, StringComparison.Ordinal);
        Assert.Equal(["System.TimeoutException"], ExceptionTypes(run.Output));
    }

    [Fact]
    public async Task A_bad_option_stops_it_with_a_message_naming_the_key()
    {
        var run = await RunBuiltProgramAsync(new()
        {
            ["ConnectionStrings__iggy"] = $"iggy://iggy:secret@127.0.0.1:{ClosedPort()}",
            [optionKey.Replace(":", "__", StringComparison.Ordinal)] = "0",
        });

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains($"{optionKey} must be", run.Output, StringComparison.Ordinal);
        Assert.Equal([optionFailure], ExceptionTypes(run.Output));
    }

    private async Task<(int ExitCode, string Output)> RunBuiltProgramAsync(Dictionary<string, string> environment)
    {
        var program = typeof(WorkerEntryPointTests<TEntryPoint>).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == project).Value!;
        var start = new ProcessStartInfo("dotnet", [program])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(program)!,
        };
        // Only what a user would have: no OTLP endpoint or topology inherited from whoever runs the tests.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("OTEL_", StringComparison.Ordinal) || k.StartsWith("Aspire__", StringComparison.Ordinal) || k.StartsWith("Demo__", StringComparison.Ordinal) || k.StartsWith("ConnectionStrings__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = Task.WhenAll(process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken), process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken));
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        bound.CancelAfter(ExitWait);
        try
        {
            await process.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{project} did not exit within {ExitWait}.");
        }

        var (stdout, stderr) = (await output) switch { var texts => (texts[0], texts[1]) };
        return (process.ExitCode, stdout + stderr);
    }

    // The exception types a run reported, each once: "System.TimeoutException: Could not connect …".
    private static string[] ExceptionTypes(string output) =>
        ExceptionLine().Matches(output).Select(match => match.Groups["type"].Value).Distinct().Order(StringComparer.Ordinal).ToArray();

    [GeneratedRegex(@"(?<type>(?:[A-Za-z_][A-Za-z0-9_]*\.)+[A-Za-z_][A-Za-z0-9_]*Exception):")]
    private static partial Regex ExceptionLine();

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
