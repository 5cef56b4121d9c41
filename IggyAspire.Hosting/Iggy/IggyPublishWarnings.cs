using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.Iggy;

/// <summary>
/// What a published model (<c>--publisher manifest</c>, or any other publisher) cannot carry for an Iggy server, logged
/// as warnings when the AppHost publishes, so that a deployment made from it knows what to add itself.
/// </summary>
internal static partial class IggyPublishWarnings
{
    /// <summary>Warns about <paramref name="iggy"/>'s container runtime arguments and its topics' expiry and size.</summary>
    public static async Task WarnAsync(IggyResource iggy, BeforeStartEvent @event, CancellationToken cancellationToken)
    {
        var logger = @event.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(IggyPublishWarnings).FullName!);

        // Aspire's manifest has no field for them: container.v0 and container.v1 allow no property beyond image,
        // entrypoint, args, connectionString, containerFiles, env, bindings, bindMounts, volumes, build and deployment
        // (src/Schema/aspire-8.0.json, "additionalProperties": false), and ManifestPublishingContext.WriteContainerAsync
        // writes none of ContainerRuntimeArgsCallbackAnnotation; only the orchestrator's run mode passes them.
        List<object> runtimeArgs = [];
        foreach (var annotation in iggy.Annotations.OfType<ContainerRuntimeArgsCallbackAnnotation>())
        {
            await annotation.Callback(new ContainerRuntimeArgsCallbackContext(runtimeArgs, cancellationToken)).ConfigureAwait(false);
        }

        if (runtimeArgs.Count > 0)
        {
            LogRuntimeArgsNotPublished(logger, iggy.Name, string.Join(' ', runtimeArgs.Select(Render)));
        }

        // The services create the topic in a deployment (the AppHost's creation runs in run mode only) and get its
        // partition count from the reference ({NAME}_PARTITIONS); their settings have nothing for the rest.
        foreach (var topic in @event.Model.Resources.OfType<IggyTopicResource>().Where(t => t.Parent.Parent == iggy))
        {
            var settings = new List<string>();
            if (topic.MessageExpiry is { } expiry)
            {
                settings.Add(expiry == TimeSpan.MaxValue ? "a message expiry of never" : $"a message expiry of {expiry.ToString("c", CultureInfo.InvariantCulture)}");
            }

            if (topic.MaxSizeBytes is { } size)
            {
                settings.Add(size == long.MaxValue ? "an unlimited maximum size" : string.Create(CultureInfo.InvariantCulture, $"a maximum size of {size} bytes"));
            }

            if (settings.Count > 0)
            {
                LogTopicSettingsNotPublished(logger, topic.TopicName, topic.Parent.StreamName, string.Join(" and ", settings));
            }
        }
    }

    private static string Render(object arg) => arg switch
    {
        string text => text,
        IManifestExpressionProvider expression => expression.ValueExpression,
        _ => Convert.ToString(arg, CultureInfo.InvariantCulture) ?? string.Empty,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "The published model cannot carry the container runtime arguments of the Iggy server '{Name}': {RuntimeArgs}. "
        + "Aspire publishes no container runtime arguments (its manifest has no field for them), and without them server 0.8.0 panics at start: its io_uring runtime needs them (Docker 25 and later block io_uring in their default seccomp profile). "
        + "A deployment of '{Name}' must add them itself: docker run {RuntimeArgs}; in Docker Compose cap_add: [SYS_NICE], security_opt: [seccomp=unconfined], ulimits: {{memlock: -1}}.")]
    private static partial void LogRuntimeArgsNotPublished(ILogger logger, string name, string runtimeArgs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Iggy topic '{Topic}' (stream '{Stream}') declares {Settings}, which only the AppHost applies, in run mode. "
        + "In a deployment the workers create the topic with its partition count and the server's defaults for the rest: create it with these settings on the deployed server before the workers start.")]
    private static partial void LogTopicSettingsNotPublished(ILogger logger, string topic, string stream, string settings);
}
