using PacSpace.Contracts.Keys;

namespace PacSpace.ControlPlane.Features.ApiKeys;

/// <summary>One row of <c>api_keys</c> without its secret hash. <see cref="Environment"/> is the key-prefix name (<c>test</c>, <c>live</c>).</summary>
internal sealed record ApiKeyRow(
    string Id,
    string TenantId,
    string Environment,
    string Name,
    string PublicId,
    long Enabled,
    long CreatedAt,
    long? ExpiresAt,
    long? RevokedAt,
    long? LastUsedAt,
    long Version,
    long SyncedVersion)
{
    public const string Expired = "expired";

    public PacSpaceEnvironment Env => PacSpaceEnvironments.FromStoredKeyName(Environment);

    public bool IsEnabled => Enabled == 1;

    public bool IsRevoked => RevokedAt is not null;

    public bool IsExpired(long now) => ExpiresAt is long e && e <= now;

    /// <summary>What the plane will answer for this key: the same precedence as its authentication.</summary>
    public string Status(long now) => IsRevoked ? KeyStates.Revoked : !IsEnabled ? KeyStates.Disabled : IsExpired(now) ? Expired : KeyStates.Active;

    public string SyncStatus => Planes.SyncStatus.Of(Version, SyncedVersion);
}
