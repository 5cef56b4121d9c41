using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>Hands the AppHost's <c>Iggy:Topology</c> configuration to a worker, so both workers share one definition.</summary>
internal static class IggyTopologyExtensions
{
    /// <summary>Sets <c>Iggy__Topology__{Key}</c> on <paramref name="builder"/> for every value under <paramref name="topology"/>.</summary>
    public static IResourceBuilder<T> WithIggyTopology<T>(this IResourceBuilder<T> builder, IConfigurationSection topology)
        where T : IResourceWithEnvironment
    {
        foreach (var (key, value) in topology.AsEnumerable(makePathsRelative: true))
        {
            if (value is not null)
            {
                builder.WithEnvironment($"Iggy__Topology__{key.Replace(":", "__", StringComparison.Ordinal)}", value);
            }
        }

        return builder;
    }
}
