using System.Data.Common;
using Dapper;
using PacSpace.Contracts.Keys;

namespace PacSpace.ControlPlane.Features.ApiKeys;

internal sealed record ApiKeyRow(
    string id,
    string tenant_id,
    string environment,
    string name,
    string public_id,
    long enabled,
    long created_at,
    long? expires_at,
    long? revoked_at,
    long? last_used_at,
    long version,
    long synced_version)
{
    public bool IsRevoked => revoked_at is not null;

    public bool IsExpired(long now) => expires_at is long e && e <= now;

    /// <summary>What the plane will answer for this key: the same precedence as its authentication.</summary>
    public string Status(long now) => IsRevoked ? KeyStates.Revoked : enabled == 0 ? KeyStates.Disabled : IsExpired(now) ? "expired" : KeyStates.Active;

    public string SyncStatus => synced_version >= version ? "synced" : "pending";
}

internal static class ApiKeyRows
{
    /// <summary>
    /// SET clause that queues the key's current state for delivery to its plane (the outbox): a newer version,
    /// due at once, with a fresh retry budget. Needs <c>@now</c>.
    /// </summary>
    public const string QueueDelivery = "version = version + 1, sync_next_attempt_at = @now, sync_attempts = 0";

    public const string Columns = "id, tenant_id, environment, name, public_id, enabled, created_at, expires_at, revoked_at, last_used_at, version, synced_version";

    /// <summary>The key if it belongs to the tenant; another tenant's key is indistinguishable from a missing one.</summary>
    public static Task<ApiKeyRow?> GetAsync(DbConnection connection, string tenantId, string id, CancellationToken cancellationToken, DbTransaction? tx = null) =>
        connection.QuerySingleOrDefaultAsync<ApiKeyRow>(new CommandDefinition(
            $"SELECT {Columns} FROM api_keys WHERE id = @id AND tenant_id = @tenantId", new { id, tenantId }, tx, cancellationToken: cancellationToken));

    /// <summary>The state a plane needs, with the tenant's current plan (it sets the key's rate limit).</summary>
    public static async Task<KeyStateMessage?> StateAsync(DbConnection connection, string id, CancellationToken cancellationToken) =>
        (await StatesAsync(connection, "k.id = @id", new { id }, cancellationToken)).SingleOrDefault();

    public static async Task<IReadOnlyList<KeyStateMessage>> StatesAsync(DbConnection connection, string where, object parameters, CancellationToken cancellationToken) =>
        // Through a settable row: SQLite types an expression column (State) only once a row exists, and
        // Dapper's constructor mapping wants exact types even for an empty result.
        (await connection.QueryAsync<StateRow>(new CommandDefinition($"{StateSelect} WHERE {where}", parameters, cancellationToken: cancellationToken)))
            .Select(r => new KeyStateMessage(r.KeyId, r.PublicId, r.TenantId, r.Environment, r.SecretHash, r.State, r.ExpiresAt, r.Plan, r.Version))
            .ToList();

    private const string StateSelect =
        """
        SELECT k.id AS KeyId, k.public_id AS PublicId, k.tenant_id AS TenantId, k.environment AS Environment,
               k.secret_hash AS SecretHash,
               CASE WHEN k.revoked_at IS NOT NULL THEN 'revoked' WHEN k.enabled = 0 THEN 'disabled' ELSE 'active' END AS State,
               k.expires_at AS ExpiresAt, t.plan AS Plan, k.version AS Version
        FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
        """;

    private sealed class StateRow
    {
        public string KeyId { get; set; } = "";

        public string PublicId { get; set; } = "";

        public string TenantId { get; set; } = "";

        public string Environment { get; set; } = "";

        public string SecretHash { get; set; } = "";

        public string State { get; set; } = "";

        public long? ExpiresAt { get; set; }

        public string Plan { get; set; } = "";

        public long Version { get; set; }
    }
}
