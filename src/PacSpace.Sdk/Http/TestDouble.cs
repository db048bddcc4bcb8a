namespace PacSpace.Sdk.Http;

/// <summary>What a client made with its protected constructor (a test double) says when a member it did not override needs the network.</summary>
internal static class TestDouble
{
    public static InvalidOperationException NotConnected(object client) =>
        new($"This {client.GetType().Name} was created with the protected constructor, for mocking, and has no connection: override the members your test calls.");
}
