using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("IggyAspire.Tests")]
[assembly: InternalsVisibleTo("IggyAspire.Benchmarks")]
