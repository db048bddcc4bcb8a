using System.Data.Common;
using Dapper;
using PacSpace.Contracts.Keys;
using PacSpace.ControlPlane.Planes;

namespace PacSpace.ControlPlane.Features.ApiKeys;

/// <summary>
/// The api_keys queries of key delivery: the state a plane receives, the pending ones a starting plane reads, and the
/// usage it reports back. The outbox columns themselves are <see cref="Outbox"/>'s.
/// </summary>
internal sealed partial class ApiKeyStore
{
    /// <summary>The state a plane needs, or null when the key is gone.</summary>
    public async Task<KeyStateMessage?> DeliveryStateAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return (await StatesAsync(connection, "k.id = @id", new { id }, cancellationToken)).SingleOrDefault();
    }

    /// <summary>The undelivered changes of one key environment (<c>test</c>, <c>live</c>) after <paramref name="afterId"/>, by id.</summary>
    public async Task<IReadOnlyList<KeyStateMessage>> PendingDeliveriesAsync(string environment, string afterId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await StatesAsync(connection,
            $"k.environment = @environment AND k.{PlaneOutbox.Pending} AND k.id > @afterId ORDER BY k.id LIMIT {limit}",
            new { environment, afterId }, cancellationToken);
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

    private static async Task<IReadOnlyList<KeyStateMessage>> StatesAsync(DbConnection connection, string where, object parameters, CancellationToken cancellationToken) =>
        // Through a settable row: SQLite types an expression column (State) only once a row exists, and
        // Dapper's constructor mapping wants exact types even for an empty result.
        (await connection.QueryAsync<StateRow>(new CommandDefinition($"{StateSelect} WHERE {where}", parameters, cancellationToken: cancellationToken)))
            .Select(r => new KeyStateMessage(r.KeyId, r.PublicId, r.TenantId, r.Environment, r.SecretHash, r.State, r.ExpiresAt, r.Plan, r.Version))
            .ToList();

    /// <summary>The state a plane needs, with the tenant's current plan (it sets the key's rate limit).</summary>
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
