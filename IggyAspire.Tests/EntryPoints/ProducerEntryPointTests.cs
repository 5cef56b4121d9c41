extern alias ProducerApp;

namespace IggyAspire.Tests.EntryPoints;

public sealed class ProducerEntryPointTests() : WorkerEntryPointTests<ProducerApp::Program>("IggyAspire.Producer", "Iggy:Producer:BatchSize");
