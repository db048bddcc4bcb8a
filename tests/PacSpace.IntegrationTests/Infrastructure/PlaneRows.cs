using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Options;
using PacSpace.Hosting.Secrets;
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
        var secrets = new AtRestEncryption(Options.Create(new AtRestOptions { KeyEncryptionKey = kek }));
        return EntryIds.ForKey(Convert.FromBase64String(secrets.Open(stored!, EntryIds.Purpose)));
    }

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
