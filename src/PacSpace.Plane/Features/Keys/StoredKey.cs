namespace PacSpace.Plane.Features.Keys;

/// <summary>A key as this plane stores it.</summary>
internal sealed class StoredKey(string state, long? expiresAt, byte[] secretHash, bool deployed, ApiCaller caller)
{
    public string State { get; } = state;

    public long? ExpiresAt { get; } = expiresAt;

    public byte[] SecretHash { get; } = secretHash;

    /// <summary>Whether the tenant's ledger exists on this plane (its environment is active here).</summary>
    public bool Deployed { get; } = deployed;

    public ApiCaller Caller { get; } = caller;

    /// <summary>Last time this process queued a usage record for the key (Unix ms); thins usage to one per second.</summary>
    public long LastRecorded;
}
