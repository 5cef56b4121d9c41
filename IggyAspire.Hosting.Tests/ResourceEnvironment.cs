using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Logging.Abstractions;

namespace IggyAspire.Hosting.Tests;

/// <summary>Evaluates a resource's environment as the orchestrator would, without starting anything.</summary>
internal static class ResourceEnvironment
{
    /// <summary>Run mode: parameters resolve to their values; endpoints must already be allocated.</summary>
    public static Task<Dictionary<string, string>> ForRunAsync(IResource resource) =>
        EvaluateAsync(resource, new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run));

    /// <summary>Publish mode: references render as manifest expressions such as <c>{iggy.bindings.tcp.url}</c>.</summary>
    public static Task<Dictionary<string, string>> ForPublishAsync(IResource resource) =>
        EvaluateAsync(resource, new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish));

    public static async Task<Dictionary<string, string>> EvaluateAsync(IResource resource, DistributedApplicationExecutionContext executionContext)
    {
        var configuration = await ExecutionConfigurationBuilder.Create(resource)
            .WithEnvironmentVariablesConfig()
            .BuildAsync(executionContext, NullLogger.Instance, TestContext.Current.CancellationToken);

        // A value that fails to resolve is otherwise only logged and left out.
        Assert.Null(configuration.Exception);
        return configuration.EnvironmentVariables.ToDictionary();
    }
}
