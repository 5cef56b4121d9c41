extern alias ConsumerApp;

namespace IggyAspire.Tests.EntryPoints;

public sealed class ConsumerEntryPointTests() : WorkerEntryPointTests<ConsumerApp::Program>("IggyAspire.Consumer", "Iggy:Consumer:BatchSize");
