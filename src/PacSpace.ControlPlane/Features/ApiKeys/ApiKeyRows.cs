using System.Data.Common;
using Dapper;
using PacSpace.Contracts.Keys;

namespace PacSpace.ControlPlane.Features.ApiKeys;

/// <summary>The delivery outbox of <c>api_keys</c>: the SET clause that queues a change and the state a plane is sent.</summary>
internal static class ApiKeyRows
{
    /// <summary>
    /// SET clause that queues the key's current state for delivery to its plane (the outbox): a newer version,
    /// due at once, with a fresh retry budget. Needs <c>@now</c>.
    /// </summary>
    public const string QueueDelivery = "version = version + 1, sync_next_attempt_at = @now, sync_attempts = 0";

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
