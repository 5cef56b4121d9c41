namespace IggyAspire.TestServer.Model;

/// <summary>
/// A call from a client the model no longer has (deleted, or gone with a restart): 0.8.0 answers 30 StaleClient
/// (shard/system/utils.rs:175-178) and the TCP front end then closes the connection. An <see cref="IOException"/>, as
/// the simulation's connections see a dropped session; the front end catches this type only, so no other I/O failure
/// (a missing assembly is a <see cref="FileNotFoundException"/>) is taken for a stale session.
/// </summary>
internal sealed class StaleClientException(string message) : IOException(message);
