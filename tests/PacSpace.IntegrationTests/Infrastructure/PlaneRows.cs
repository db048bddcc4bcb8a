using System.Data.Common;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using PacSpace.Contracts.Webhooks;
using PacSpace.Hosting.Json;
using PacSpace.Hosting.Secrets;
using PacSpace.Plane.Features.Webhooks;
using PacSpace.Plane.Log;

namespace PacSpace.IntegrationTests.Infrastructure;

/// <summary>
/// The plane's stored deltas and chain heads with tenant, customer and status spelled out (the tables hold numbers and
/// derive the status from the signed head), as FROM sources for tests that look behind the API.
/// </summary>
internal static class PlaneRows
{
    /// <summary>The plane's record and receipt ids, from its id key (kept sealed under the key-encryption key <paramref name="kek"/>).</summary>
    public static async Task<EntryIds> EntryIdsAsync(DbConnection connection, string kek)
    {
        var stored = await connection.ExecuteScalarAsync<string>("SELECT value FROM plane_secrets WHERE name = @KeyName", new { EntryIds.KeyName });
        return EntryIds.ForKey(Convert.FromBase64String(Sealing(kek).Open(stored!, EntryIds.Purpose)));
    }

    /// <summary>A plane's <c>webhook_endpoints</c> row as stored (<see cref="Sealed"/>) and with its secrets opened.</summary>
    public sealed record WebhookRow(string Id, string TenantId, string Url, string Events, long Enabled, long? DeletedAt, string? Sealed, long Version,
        IReadOnlyList<WebhookSigningSecret> Secrets, string? DisabledReason = null);

    /// <summary>The plane's row of a webhook endpoint, null when it holds none; the secrets opened with the key-encryption key <paramref name="kek"/>.</summary>
    public static async Task<WebhookRow?> WebhookEndpointAsync(DbConnection connection, string kek, string id)
    {
        var row = await connection.QuerySingleOrDefaultAsync<StoredWebhook>(
            "SELECT id, tenant_id, url, events, enabled, deleted_at, secrets, version, disabled_reason FROM webhook_endpoints WHERE id = @id", new { id });
        if (row is null)
        {
            return null;
        }

        var secrets = row.Secrets is null
            ? []
            : JsonSerializer.Deserialize<List<WebhookSigningSecret>>(Sealing(kek).Open(row.Secrets, WebhookEndpointStore.Purpose(id)), JsonDefaults.Options)!;
        return new WebhookRow(row.Id, row.TenantId, row.Url, row.Events, row.Enabled, row.DeletedAt, row.Secrets, row.Version, secrets, row.DisabledReason);
    }

    private sealed class StoredWebhook
    {
        public string Id { get; set; } = "";

        public string TenantId { get; set; } = "";

        public string Url { get; set; } = "";

        public string Events { get; set; } = "";

        public long Enabled { get; set; }

        public long? DeletedAt { get; set; }

        public string? Secrets { get; set; }

        public long Version { get; set; }

        public string? DisabledReason { get; set; }
    }

    /// <summary>The sealing every database of a stack uses, with its key-encryption key.</summary>
    public static AtRestEncryption Sealing(string kek) => new(Options.Create(new AtRestOptions { KeyEncryptionKey = kek }));

    public const string Deltas =
        """
        (SELECT l.tenant_id, c.customer_id, d.ledger_no, d.log_index, d.amount, d.reason, d.reference_id, d.idempotency_key, d.content_hash, d.metadata,
                d.customer_seq, d.prev_index, d.balance_after, d.recorded_at, CASE WHEN d.log_index < l.tree_size THEN 'VERIFIED' ELSE 'QUEUED' END AS status
         FROM deltas d JOIN tenant_ledgers l ON l.ledger_no = d.ledger_no JOIN log_customers c ON c.customer_no = d.customer_no) AS deltas
        """;

    /// <summary>Customers with a signed chain head: their last entry below the signed size.</summary>
    public const string Customers =
        """
        (SELECT l.tenant_id, c.customer_id, d.customer_seq AS last_seq, d.log_index AS last_index, d.balance_after AS balance
         FROM log_customers c JOIN tenant_ledgers l ON l.ledger_no = c.ledger_no
         JOIN deltas d ON d.ledger_no = c.ledger_no AND d.customer_no = c.customer_no
          AND d.log_index = (SELECT MAX(x.log_index) FROM deltas x WHERE x.ledger_no = c.ledger_no AND x.customer_no = c.customer_no AND x.log_index < l.tree_size)) AS log_customers
        """;
}
