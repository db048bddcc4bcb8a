using System.Data.Common;
using Dapper;
using PacSpace.Contracts.Keys;
using PacSpace.ControlPlane.Jobs;

namespace PacSpace.ControlPlane.Features.ApiKeys;

/// <summary>
/// The api_keys queries of key delivery: a change bumps <c>version</c> (<see cref="QueueDelivery"/>)
/// and the key is pending until <c>synced_version</c> catches up; the <c>sync_*</c> columns lease and retry it.
/// </summary>
internal sealed partial class ApiKeyStore
{
    /// <summary>A key leased for delivery; <paramref name="Attempts"/> counts its failed deliveries so far.</summary>
    public sealed record DueDelivery(string Id, string Environment, long Attempts);

    /// <summary>The state a plane needs, or null when the key is gone.</summary>
    public async Task<KeyStateMessage?> DeliveryStateAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await StateAsync(connection, id, cancellationToken);
    }

    /// <summary>The undelivered changes of one key environment (<c>test</c>, <c>live</c>) after <paramref name="afterId"/>, by id.</summary>
    public async Task<IReadOnlyList<KeyStateMessage>> PendingDeliveriesAsync(string environment, string afterId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await StatesAsync(connection,
            $"k.environment = @environment AND k.synced_version < k.version AND k.id > @afterId ORDER BY k.id LIMIT {limit}",
            new { environment, afterId }, cancellationToken);
    }

    /// <summary>Records that the plane has <paramref name="version"/>; a newer change made meanwhile stays pending.</summary>
    public async Task MarkSyncedAsync(string id, long version, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE api_keys SET synced_version = @version, sync_attempts = 0, sync_last_error = NULL
            WHERE id = @id AND synced_version < @version
            """, new { id, version }, cancellationToken: cancellationToken));
    }

    /// <summary>Leases pending keys that are due to <paramref name="owner"/>.</summary>
    public async Task<IReadOnlyList<DueDelivery>> ClaimDueDeliveriesAsync(string owner, int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var until = Leases.Until(now, lease);
        await using var connection = await db.OpenAsync(cancellationToken);
        return await Leases.ClaimAsync<DueDelivery, DueDelivery>(connection,
            new CommandDefinition(
                """
                SELECT id, environment, sync_attempts AS attempts FROM api_keys
                WHERE synced_version < version AND (sync_next_attempt_at IS NULL OR sync_next_attempt_at <= @now)
                  AND (sync_lease_until IS NULL OR sync_lease_until < @now)
                ORDER BY sync_next_attempt_at LIMIT @max
                """, new { now, max }, cancellationToken: cancellationToken),
            key => new CommandDefinition(
                """
                UPDATE api_keys SET sync_lease_owner = @owner, sync_lease_until = @until
                WHERE id = @id AND synced_version < version AND (sync_lease_until IS NULL OR sync_lease_until < @now)
                """, new { owner, until, id = key.Id, now }, cancellationToken: cancellationToken),
            key => key);
    }

    /// <summary>Records a delivery of <paramref name="version"/> and frees the key; never lowers what is synced.</summary>
    public async Task MarkDeliveredAsync(string id, long version)
    {
        // An outcome is recorded even during shutdown, or the key would be delivered again.
        await using var connection = await db.OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE api_keys SET synced_version = CASE WHEN synced_version < @version THEN @version ELSE synced_version END,
                sync_attempts = 0, sync_last_error = NULL, sync_lease_owner = NULL, sync_lease_until = NULL
            WHERE id = @id
            """, new { id, version }));
    }

    /// <summary>Records a failed delivery and when to try again, if <paramref name="owner"/> still holds the key.</summary>
    public async Task RecordDeliveryFailureAsync(string id, string owner, long nextAttemptAt, string failure)
    {
        await using var connection = await db.OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE api_keys SET sync_attempts = sync_attempts + 1, sync_next_attempt_at = @next, sync_last_error = @failure,
                sync_lease_owner = NULL, sync_lease_until = NULL
            WHERE id = @id AND sync_lease_owner = @owner
            """, new { id, next = nextAttemptAt, failure, owner }));
    }

    /// <summary>Moves <c>last_used_at</c> forward to what one page of a plane's usage feed says; never back.</summary>
    public async Task RecordUsageAsync(IReadOnlyList<KeyUsage> usage, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var u in usage)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE api_keys SET last_used_at = @at WHERE public_id = @id AND (last_used_at IS NULL OR last_used_at < @at)",
                new { at = u.LastUsedAt, id = u.PublicId }, tx, cancellationToken: cancellationToken));
        }

        await tx.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// SET clause that queues the key's current state for delivery to its plane (the outbox): a newer version,
    /// due at once, with a fresh retry budget. Needs <c>@now</c>.
    /// </summary>
    public const string QueueDelivery = "version = version + 1, sync_next_attempt_at = @now, sync_attempts = 0";

    /// <summary>The state a plane needs, with the tenant's current plan (it sets the key's rate limit).</summary>
    private static async Task<KeyStateMessage?> StateAsync(DbConnection connection, string id, CancellationToken cancellationToken) =>
        (await StatesAsync(connection, "k.id = @id", new { id }, cancellationToken)).SingleOrDefault();

    private static async Task<IReadOnlyList<KeyStateMessage>> StatesAsync(DbConnection connection, string where, object parameters, CancellationToken cancellationToken) =>
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
