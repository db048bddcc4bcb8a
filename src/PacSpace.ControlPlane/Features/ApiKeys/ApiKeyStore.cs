using System.Data.Common;
using Dapper;
using PacSpace.Hosting.Data;

namespace PacSpace.ControlPlane.Features.ApiKeys;

/// <summary>Owner of <c>api_keys</c>: every read and write of that table goes through here.</summary>
internal sealed partial class ApiKeyStore(Database db, TimeProvider time)
{
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
            UPDATE api_keys SET {ApiKeyRows.QueueDelivery}
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
}
