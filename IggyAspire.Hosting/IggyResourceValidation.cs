using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Iggy;

/// <summary>Refuses an Iggy resource that could not start, naming what is wrong, before any container is created.</summary>
internal static class IggyResourceValidation
{
    public static void ThrowIfInvalidPort(int? port, string parameterName)
    {
        if (port is < 1 or > 65535)
        {
            throw new ArgumentOutOfRangeException(parameterName, port, $"The Iggy {parameterName} must be between 1 and 65535.");
        }
    }

    public static void ThrowIfInvalid(IggyResource iggy)
    {
        if (iggy.Annotations.OfType<ContainerImageAnnotation>().LastOrDefault() is not { } image
            || string.IsNullOrWhiteSpace(image.Image))
        {
            throw new DistributedApplicationException($"The Iggy resource '{iggy.Name}' has no container image.");
        }

        if (string.IsNullOrWhiteSpace(image.Tag) && string.IsNullOrWhiteSpace(image.SHA256))
        {
            throw new DistributedApplicationException(
                $"The Iggy resource '{iggy.Name}' has an empty image tag; use {IggyContainerImageTags.Tag}, the server version Apache.Iggy {IggyContainerImageTags.Tag} speaks.");
        }

        foreach (var endpoint in iggy.Annotations.OfType<EndpointAnnotation>())
        {
            foreach (var (kind, port) in new[] { ("port", endpoint.Port), ("target port", endpoint.TargetPort) })
            {
                if (port is < 1 or > 65535)
                {
                    throw new DistributedApplicationException(
                        $"The Iggy resource '{iggy.Name}' endpoint '{endpoint.Name}' has {kind} {port}, outside 1 to 65535.");
                }
            }
        }
    }
}
