extern alias ProducerApp;

namespace IggyAspire.Tests.EntryPoints;

public sealed class ProducerEntryPointTests() : WorkerEntryPointTests<ProducerApp::Program>("IggyAspire.Producer", "Demo:Producer:BatchSize", "Microsoft.Extensions.Options.OptionsValidationException");
