extern alias ConsumerApp;

namespace IggyAspire.Tests.EntryPoints;

public sealed class ConsumerEntryPointTests() : WorkerEntryPointTests<ConsumerApp::Program>("IggyAspire.Consumer", "Aspire:Apache:Iggy:Consumer:BatchSize", "System.InvalidOperationException");
