namespace PacSpace.Contracts.Keys;

/// <summary>
/// What a plane knows of one key, as the control plane sends it (<c>PUT /internal/v1/keys/{publicId}</c>) and
/// as a plane catching up after a restart reads it (<c>GET /internal/v1/keys/pending</c> on the control plane, a
/// <see cref="Planes.SyncPage{T}"/>).
/// Never a secret: only the SHA-256 of its <c>sk_…</c> part, hex.
/// </summary>
public sealed record KeyStateMessage(
    string KeyId,
    string PublicId,
    string TenantId,
    string Environment,
    string SecretHash,
    string State,
    long? ExpiresAt,
    string Plan,
    long Version);

/// <summary>One entry of a plane's key-usage feed: when a key was last used (Unix ms, plane clock).</summary>
public sealed record KeyUsage(string PublicId, long LastUsedAt, long FlushedAt);

public sealed record KeyUsagePage(IReadOnlyList<KeyUsage> Items);

public static class KeyStates
{
    public const string Active = "active";
    public const string Disabled = "disabled";
    public const string Revoked = "revoked";
}
