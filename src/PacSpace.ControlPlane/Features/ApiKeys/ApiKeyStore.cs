using System.Data.Common;
using Dapper;
using PacSpace.ControlPlane.Planes;
using PacSpace.Hosting.Data;
using PacSpace.Ledger;

namespace PacSpace.ControlPlane.Features.ApiKeys;

/// <summary>Owner of <c>api_keys</c>: every read and write of that table goes through here.</summary>
internal sealed partial class ApiKeyStore(Database db, TimeProvider time)
{
    /// <summary>The delivery of keys to their planes: every change below queues the key's state there.</summary>
    public PlaneOutbox Outbox { get; } = new(db, time, "api_keys");

    /// <summary>
    /// How many keys a tenant has in one environment and when one was last used. Settable: SQLite types an
    /// aggregate column by its first value (NULL has none), which Dapper's constructor mapping refuses.
    /// </summary>
    public sealed class EnvironmentKeyFacts
    {
        public string Environment { get; set; } = "";

        public long Keys { get; set; }

        public long? LastUsedAt { get; set; }
    }

    /// <summary>
    /// Queues every live key of the tenant for re-delivery to its plane (the plan sets each key's rate limit there),
    /// inside the caller's transaction.
    /// </summary>
    public Task QueueTenantRedeliveryAsync(DbConnection connection, DbTransaction tx, string tenantId, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE api_keys SET {PlaneOutbox.QueueDelivery}
            WHERE tenant_id = @tenantId AND revoked_at IS NULL
            """, new { tenantId, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, tx, cancellationToken: cancellationToken));

    /// <summary>Per environment (<c>test</c>, <c>live</c>): the tenant's key count and latest use.</summary>
    public async Task<IReadOnlyDictionary<string, EnvironmentKeyFacts>> FactsByEnvironmentAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<EnvironmentKeyFacts>(new CommandDefinition(
            """
            SELECT environment, COUNT(*) AS keys, MAX(last_used_at) AS last_used_at
            FROM api_keys WHERE tenant_id = @tenantId GROUP BY environment
            """, new { tenantId }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Environment);
    }

    private const string Columns = "id, tenant_id, environment, name, public_id, enabled, created_at, expires_at, revoked_at, last_used_at, version, synced_version";

    /// <summary>The key if it belongs to the tenant; a malformed id or another tenant's key is indistinguishable from a missing one.</summary>
    public Task<ApiKeyRow?> FindAsync(DbConnection connection, string tenantId, string id, CancellationToken cancellationToken) =>
        Ids.IsValid(id, "key")
            ? connection.QuerySingleOrDefaultAsync<ApiKeyRow>(new CommandDefinition(
                $"SELECT {Columns} FROM api_keys WHERE id = @id AND tenant_id = @tenantId", new { id, tenantId }, cancellationToken: cancellationToken))
            : Task.FromResult<ApiKeyRow?>(null);

    /// <summary>A key as presented in <c>X-Api-Key</c> to a dashboard route: whose it is, the hash of its secret and its state.</summary>
    public sealed record PresentedKey(string Id, string TenantId, string Environment, string SecretHash, long Enabled, long? ExpiresAt, long? RevokedAt);

    /// <summary>The key with this public id, whichever tenant's (the caller compares the secret before saying anything about it).</summary>
    public Task<PresentedKey?> FindByPublicIdAsync(DbConnection connection, string publicId, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<PresentedKey>(new CommandDefinition(
            "SELECT id, tenant_id, environment, secret_hash, enabled, expires_at, revoked_at FROM api_keys WHERE public_id = @publicId",
            new { publicId }, cancellationToken: cancellationToken));

    /// <summary>One page of the tenant's keys, newest first, optionally of one environment (<c>test</c>, <c>live</c>).</summary>
    public async Task<(long Total, IReadOnlyList<ApiKeyRow> Items)> ListAsync(string tenantId, string? environment, int page, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var where = environment is null ? "WHERE tenant_id = @tenantId" : "WHERE tenant_id = @tenantId AND environment = @environment";
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT COUNT(*) FROM api_keys {where}", new { tenantId, environment }, cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<ApiKeyRow>(new CommandDefinition(
            $"SELECT {Columns} FROM api_keys {where} ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset",
            new { tenantId, environment, limit, offset = (page - 1) * limit }, cancellationToken: cancellationToken));
        return (total, rows.ToList());
    }

    /// <summary>Stores a new, enabled key (only the hash of its secret), queued for delivery; the caller commits.</summary>
    public async Task<(string Id, GeneratedApiKey Key)> InsertAsync(DbConnection connection, DbTransaction tx, string tenantId, string? userId,
        string name, PacSpaceEnvironment env, DateTimeOffset? expiresAt, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        var id = Ids.New("key", time);
        var key = ApiKeyFormat.Generate(env);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO api_keys (id, tenant_id, environment, name, public_id, secret_hash, enabled, created_at, created_by, expires_at,
                                  version, synced_version, sync_next_attempt_at)
            VALUES (@id, @tenantId, @env, @name, @publicId, @hash, 1, @now, @userId, @expiresAt, 1, 0, @now)
            """,
            new
            {
                id,
                tenantId,
                env = env.KeyName(),
                name,
                publicId = key.PublicId,
                hash = ApiKeyFormat.HashSecretHex(key.SecretKey),
                now = createdAt.ToUnixTimeMilliseconds(),
                userId,
                expiresAt = expiresAt?.ToUnixTimeMilliseconds(),
            }, tx, cancellationToken: cancellationToken));
        return (id, key);
    }

    /// <summary>Sets name and enabled; <paramref name="queueDelivery"/> when the plane must learn of the change.</summary>
    public Task UpdateAsync(DbConnection connection, DbTransaction tx, string id, string name, bool enabled, bool queueDelivery, long now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE api_keys SET name = @name, enabled = @enabled
                {(queueDelivery ? ", " + PlaneOutbox.QueueDelivery : "")}
            WHERE id = @id
            """, new { name, enabled = enabled ? 1L : 0L, now, id }, tx, cancellationToken: cancellationToken));

    /// <summary>Points the old key at its successor and shortens its life to <paramref name="expiresAt"/>, queued for delivery.</summary>
    public Task MarkRotatedAsync(DbConnection connection, DbTransaction tx, string id, string newId, DateTimeOffset expiresAt, long now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE api_keys SET expires_at = @expires, rotated_to = @newId, {PlaneOutbox.QueueDelivery}
            WHERE id = @id
            """, new { expires = expiresAt.ToUnixTimeMilliseconds(), newId, now, id }, tx, cancellationToken: cancellationToken));

    /// <returns>Whether this call revoked the key (false when another got there first).</returns>
    public async Task<bool> RevokeAsync(DbConnection connection, DbTransaction tx, string id, long now, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE api_keys SET revoked_at = @now, {PlaneOutbox.QueueDelivery}
            WHERE id = @id AND revoked_at IS NULL
            """, new { now, id }, tx, cancellationToken: cancellationToken)) == 1;
}
