using System.Data.Common;
using Dapper;
using PacSpace.Hosting.Data;

namespace PacSpace.Plane.Features.Deltas;

/// <summary>The sequencer's side of <c>deltas</c>: the queue, and marking a round's deltas VERIFIED.</summary>
internal static partial class DeltaStore
{
    private static readonly string[] VerifiedColumns = ["index", "seq", "prev", "balance", "recordedAt", "size", "record_id"];

    /// <summary>A queued delta; the sequencer fills in its chain fields.</summary>
    public sealed class QueuedDelta
    {
        public string RecordId { get; set; } = "";

        public string CustomerId { get; set; } = "";

        public long Amount { get; set; }

        public string ContentHash { get; set; } = "";

        /// <summary>When its group commit wrote it (Unix ms): how long it waited is the sequencer's lag.</summary>
        public long CreatedAt { get; set; }

        // Assigned by the round.
        public long Index;
        public long Seq;
        public long? Prev;
        public long Balance;
    }

    /// <summary>The tenants with queued deltas.</summary>
    public static async Task<List<string>> QueuedTenantsAsync(DbConnection connection, CancellationToken ct) =>
        (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT tenant_id FROM deltas WHERE status = 'QUEUED'", cancellationToken: ct))).ToList();

    /// <summary>The oldest queued deltas of a tenant, at most <paramref name="limit"/>.</summary>
    public static async Task<List<QueuedDelta>> QueuedAsync(DbConnection connection, string tenantId, int limit, CancellationToken ct) =>
        (await connection.QueryAsync<QueuedDelta>(new CommandDefinition(
            $"""
            SELECT record_id, customer_id, amount, content_hash, created_at FROM deltas
            WHERE status = 'QUEUED' AND tenant_id = @tenantId ORDER BY record_id LIMIT {limit}
            """, new { tenantId }, cancellationToken: ct))).ToList();

    /// <summary>Gives a round's deltas their chain fields and the head that covers them, in the round's write transaction.</summary>
    public static Task MarkVerifiedAsync(DbConnection connection, DbTransaction tx, List<QueuedDelta> queued, long recordedAt, long size, CancellationToken ct) =>
        Database.ExecuteEachAsync(connection, tx,
            """
            UPDATE deltas SET status = 'VERIFIED', log_index = @index, customer_seq = @seq, prev_index = @prev, balance_after = @balance,
                              recorded_at = @recordedAt, verified_at = @recordedAt, head_size = @size
            WHERE record_id = @record_id
            """, VerifiedColumns, queued.Select(d => new object?[] { d.Index, d.Seq, d.Prev, d.Balance, recordedAt, size, d.RecordId }).ToList(), ct);
}
