using System.Data.Common;
using Dapper;
using PacSpace.Hosting.Data;

namespace PacSpace.Plane.Features.Deltas;

/// <summary>
/// Owner of <c>deltas</c>. This part: the group commit's inserts and duplicate checks, single-delta reads and counts.
/// The sequencer's queue (<c>DeltaStore.Log.cs</c>), reads along customers' chains (<c>DeltaStore.Chains.cs</c>) and
/// reads of a log's windows for checkpoints (<c>DeltaStore.Periods.cs</c>) are in the other parts.
/// </summary>
internal static partial class DeltaStore
{
    private const string InsertSql =
        """
        INSERT INTO deltas (record_id, receipt_id, tenant_id, customer_id, amount, reason, reference_id, idempotency_key, request_hash,
                            canonical, content_hash, adjusts, status, created_at)
        VALUES (@record_id, @receipt_id, @tenant_id, @customer_id, @amount, @reason, @reference_id, @idempotency_key, @request_hash,
                @canonical, @content_hash, @adjusts, @status, @created_at)
        ON CONFLICT DO NOTHING
        """;

    /// <summary>The parameter order of every row given to <see cref="InsertAsync"/>.</summary>
    private static readonly string[] InsertColumns =
        ["record_id", "receipt_id", "tenant_id", "customer_id", "amount", "reason", "reference_id", "idempotency_key", "request_hash", "canonical", "content_hash", "adjusts", "status", "created_at"];

    /// <summary>
    /// Inserts new rows in one batch (values in the order record_id, receipt_id, tenant_id, customer_id, amount, reason,
    /// reference_id, idempotency_key, request_hash, canonical, content_hash, adjusts, status, created_at). Returns each
    /// row's count: 0 where a unique index refused it (a retry or a reuse).
    /// </summary>
    public static Task<int[]> InsertAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<object?[]> values, CancellationToken ct) =>
        Database.ExecuteEachAsync(connection, tx, InsertSql, InsertColumns, values, ct);

    /// <summary>The stored delta with this Idempotency-Key, else with this referenceId; null when neither exists.</summary>
    public static async Task<DeltaRow?> FindDuplicateAsync(DbConnection connection, DbTransaction tx, string tenantId, string? key, string? referenceId)
    {
        if (key is null && referenceId is null)
        {
            return null;
        }

        if (key is not null)
        {
            var byKey = await connection.QuerySingleOrDefaultAsync<DeltaRow>(new CommandDefinition(
                $"SELECT {DeltaRow.Columns} FROM deltas WHERE tenant_id = @tenantId AND idempotency_key = @key", new { tenantId, key }, tx));
            if (byKey is not null)
            {
                return byKey;
            }
        }

        return referenceId is null
            ? null
            : await connection.QuerySingleOrDefaultAsync<DeltaRow>(new CommandDefinition(
                $"SELECT {DeltaRow.Columns} FROM deltas WHERE tenant_id = @tenantId AND reference_id = @referenceId", new { tenantId, referenceId }, tx));
    }

    /// <summary>Every delta the tenant has, queued or appended (the free plan's lifetime count).</summary>
    public static Task<long> CountAsync(DbConnection connection, DbTransaction tx, string tenantId) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM deltas WHERE tenant_id = @tenantId", new { tenantId }, tx));

    /// <summary>One of the tenant's deltas with its canonical content; null when the tenant has no such record.</summary>
    public static Task<DeltaRow?> FindAsync(DbConnection connection, string tenantId, string recordId, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<DeltaRow>(new CommandDefinition(
            $"SELECT {DeltaRow.Columns}, canonical FROM deltas WHERE record_id = @recordId AND tenant_id = @tenantId",
            new { recordId, tenantId }, cancellationToken: ct));

    /// <summary>A delta by receipt id, whichever tenant's (public verification: only hashes and chain fields are read).</summary>
    public static Task<DeltaRow?> FindByReceiptAsync(DbConnection connection, string receiptId, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<DeltaRow>(new CommandDefinition(
            """
            SELECT tenant_id, status, content_hash, log_index, customer_seq, prev_index, balance_after, recorded_at
            FROM deltas WHERE receipt_id = @receiptId
            """, new { receiptId }, cancellationToken: ct));

    /// <summary>The tenant's queued deltas (through the small queue index).</summary>
    public static Task<long> CountQueuedAsync(DbConnection connection, string tenantId, CancellationToken ct) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM deltas WHERE tenant_id = @tenantId AND status = 'QUEUED'", new { tenantId }, cancellationToken: ct));

    /// <summary>One customer's queued deltas (through the small queue index).</summary>
    public static Task<long> CountQueuedAsync(DbConnection connection, string tenantId, string customerId, CancellationToken ct) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM deltas WHERE tenant_id = @tenantId AND status = 'QUEUED' AND customer_id = @customerId",
            new { tenantId, customerId }, cancellationToken: ct));

    /// <summary>The tenant's deltas recorded in <c>[start, end)</c>.</summary>
    public static Task<long> CountRecordedAsync(DbConnection connection, string tenantId, long start, long end, CancellationToken ct) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM deltas WHERE tenant_id = @tenantId AND recorded_at >= @start AND recorded_at < @end",
            new { tenantId, start, end }, cancellationToken: ct));
}
