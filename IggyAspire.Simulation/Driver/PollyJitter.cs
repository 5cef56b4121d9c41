using System.Reflection;

namespace IggyAspire.Simulation.Driver;

/// <summary>
/// The core's retry (TransientRetry) uses Polly's jitter, and Polly 8.8.0 draws it from <see cref="Random.Shared"/>
/// (Polly.Utils.RandomUtil.NextDouble), which cannot be seeded and which the core gives no way to replace. That
/// generator keeps one state per thread (System.Random+ThreadSafeRandom.t_random, a [ThreadStatic] xoshiro256**), and
/// the simulation runs on one thread, so setting that thread's state from the seed makes the retry delays, and with
/// them the whole run, repeat for a seed. Reflection on .NET internals: if they move, this fails loudly rather than
/// silently making runs unrepeatable. (Better: let TransientRetry take Polly's Randomizer; see the report.)
/// </summary>
internal static class PollyJitter
{
    public static void SeedThisThread(Random seeded)
    {
        const BindingFlags Instance = BindingFlags.NonPublic | BindingFlags.Instance;
        var threadSafeRandom = typeof(Random).GetNestedType("ThreadSafeRandom", BindingFlags.NonPublic)
            ?? throw Gone("System.Random+ThreadSafeRandom");
        var perThread = threadSafeRandom.GetField("t_random", BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw Gone("ThreadSafeRandom.t_random");
        var xoshiro = typeof(Random).GetNestedType("XoshiroImpl", BindingFlags.NonPublic) ?? throw Gone("System.Random+XoshiroImpl");
        var generator = Activator.CreateInstance(xoshiro, nonPublic: true) ?? throw Gone("XoshiroImpl()");
        foreach (var state in new[] { "_s0", "_s1", "_s2", "_s3" })
        {
            // xoshiro256** must not start from all zeros; a non-zero word each rules that out.
            var word = ((ulong)seeded.NextInt64() << 1) | 1;
            (xoshiro.GetField(state, Instance) ?? throw Gone($"XoshiroImpl.{state}")).SetValue(generator, word);
        }

        perThread.SetValue(null, generator);
    }

    private static InvalidOperationException Gone(string what) =>
        new($"{what} is gone from this .NET: the simulation can no longer seed Polly's retry jitter, so runs would not repeat for a seed.");
}
