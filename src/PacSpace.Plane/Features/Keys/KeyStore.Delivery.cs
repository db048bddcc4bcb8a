using System.Data.Common;
using Dapper;
using PacSpace.Contracts.Keys;

namespace PacSpace.Plane.Features.Keys;

/// <summary>The control plane's side of <c>api_keys</c>: key states it delivers, and the usage it reads back.</summary>
internal sealed partial class KeyStore
{
    /// <summary>Stores the state unless a newer version is already here. Returns whether it changed anything.</summary>
    public async Task<bool> ApplyAsync(DbConnection connection, KeyStateMessage s, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO api_keys (public_id, key_id, tenant_id, environment, secret_hash, state, expires_at, plan, version, updated_at)
            VALUES (@PublicId, @KeyId, @TenantId, @Environment, @SecretHash, @State, @ExpiresAt, @Plan, @Version, @now)
            ON CONFLICT (public_id) DO UPDATE SET state = excluded.state, expires_at = excluded.expires_at, plan = excluded.plan,
                version = excluded.version, updated_at = excluded.updated_at
            WHERE api_keys.version < excluded.version
            """,
            new { s.PublicId, s.KeyId, s.TenantId, s.Environment, s.SecretHash, s.State, s.ExpiresAt, s.Plan, s.Version, now = _time.GetUtcNow().ToUnixTimeMilliseconds() },
            cancellationToken: ct)) == 1;

    /// <summary>Notes a key's last use (never moving it back) and when it was flushed, in the flush's write transaction.</summary>
    public static Task RecordUsageAsync(DbConnection connection, DbTransaction tx, string publicId, long at, long flushedAt, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE api_keys SET last_used_at = CASE WHEN last_used_at IS NULL OR last_used_at < @at THEN @at ELSE last_used_at END,
                usage_flushed_at = @flushedAt
            WHERE public_id = @publicId
            """, new { at, flushedAt, publicId }, tx, cancellationToken: ct));

    /// <summary>The usage feed: keys flushed after (<paramref name="after"/>, <paramref name="afterId"/>), in flush order.</summary>
    public async Task<List<KeyUsage>> UsageAfterAsync(long after, string afterId, int take, CancellationToken ct)
    {
        await using var connection = await _db.OpenAsync(ct);
        return (await connection.QueryAsync<KeyUsage>(new CommandDefinition(
            """
            SELECT public_id AS PublicId, last_used_at AS LastUsedAt, usage_flushed_at AS FlushedAt FROM api_keys
            WHERE usage_flushed_at IS NOT NULL AND last_used_at IS NOT NULL
              AND (usage_flushed_at > @after OR (usage_flushed_at = @after AND public_id > @afterId))
            ORDER BY usage_flushed_at, public_id LIMIT @take
            """, new { after, afterId, take }, cancellationToken: ct))).ToList();
    }
}
