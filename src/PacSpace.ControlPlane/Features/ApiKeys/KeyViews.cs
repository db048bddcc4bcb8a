using System.Text.Json.Serialization;
using PacSpace.Contracts.Keys;
using PacSpace.Ledger;

namespace PacSpace.ControlPlane.Features.ApiKeys;

/// <summary>A key as the API and the pages show it: never its secret.</summary>
internal sealed record KeyView(
    string Id,
    string Name,
    string Environment,
    string PublicKey,
    bool Active,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    string SyncStatus)
{
    internal static KeyView Of(ApiKeyRow r, long now)
    {
        var status = r.Status(now);
        return new KeyView(r.Id, r.Name, r.Environment, $"pk_{r.Environment}_{r.PublicId}", status == KeyStates.Active, status,
            DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt), At(r.LastUsedAt), At(r.ExpiresAt), At(r.RevokedAt), r.SyncStatus);
    }

    private static DateTimeOffset? At(long? ms) => ms is long v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;
}

/// <summary>A new key (created or rotated): the only answer that ever carries the secret.</summary>
internal sealed record CreatedKeyView(
    string Id,
    string Name,
    string Environment,
    string PublicKey,
    string SecretKey,
    string FullKey,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    bool Active,
    string SyncStatus,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RotatedFromId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? PreviousKeyExpiresAt = null)
{
    internal static CreatedKeyView Of(string id, string name, GeneratedApiKey key, DateTimeOffset createdAt, DateTimeOffset? expiresAt, string syncStatus,
        string? rotatedFromId = null, DateTimeOffset? previousKeyExpiresAt = null) =>
        new(id, name, key.Environment.KeyName(), key.PublicKey, key.SecretKey, key.FullKey, KeyRules.Ms(createdAt),
            expiresAt is null ? null : KeyRules.Ms(expiresAt.Value), true, syncStatus, rotatedFromId,
            previousKeyExpiresAt is null ? null : KeyRules.Ms(previousKeyExpiresAt.Value));
}
