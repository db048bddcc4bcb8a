using System.Data.Common;
using Dapper;
using PacSpace.Ledger;

namespace PacSpace.Plane.Features.Deltas;

/// <summary>Reads of a log prefix or window in <c>deltas</c>, for period checkpoints and the receipts built on them.</summary>
internal static partial class DeltaStore
{
    /// <summary>Number of log entries recorded before <paramref name="timeMs"/> (entries are appended in time order).</summary>
    public static async Task<long> SizeBeforeAsync(DbConnection c, string tenantId, long timeMs, CancellationToken ct) =>
        (await c.ExecuteScalarAsync<long?>(new CommandDefinition(
            // The last entry before the time, by one index seek (MAX would scan every earlier entry).
            "SELECT log_index FROM deltas WHERE tenant_id = @tenantId AND recorded_at < @timeMs ORDER BY recorded_at DESC, log_index DESC LIMIT 1",
            new { tenantId, timeMs }, cancellationToken: ct)) ?? -1) + 1;

    /// <summary>Each customer's last entry below <paramref name="toSize"/>, as a closing-balance leaf.</summary>
    public static async Task<List<BalanceLeaf>> ClosingBalancesAsync(DbConnection c, string tenantId, long toSize, CancellationToken ct) =>
        (await c.QueryAsync<ChainEnd>(new CommandDefinition(
            """
            SELECT d.customer_id, d.customer_seq, d.log_index, d.balance_after FROM deltas d
            WHERE d.tenant_id = @tenantId AND d.log_index IN (
                SELECT MAX(log_index) FROM deltas WHERE tenant_id = @tenantId AND log_index < @toSize GROUP BY customer_id)
            """, new { tenantId, toSize }, cancellationToken: ct)))
        .Select(r => new BalanceLeaf(r.CustomerId, r.CustomerSeq, r.LogIndex, r.BalanceAfter)).ToList();

    /// <summary>Sum of the deltas at log indexes <c>[fromSize, toSize)</c>.</summary>
    public static async Task<long> NetChangeAsync(DbConnection c, string tenantId, long fromSize, long toSize, CancellationToken ct) =>
        await c.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT SUM(amount) FROM deltas WHERE tenant_id = @tenantId AND log_index >= @fromSize AND log_index < @toSize",
            new { tenantId, fromSize, toSize }, cancellationToken: ct)) ?? 0;

    /// <summary>The customer's deltas at log indexes <c>[from, to)</c>, in log order, at most <paramref name="limit"/>.</summary>
    public static async Task<List<LoggedDelta>> RangeAsync(DbConnection c, string tenantId, string customerId, long from, long to, int limit, CancellationToken ct) =>
        (await c.QueryAsync<LoggedDelta>(new CommandDefinition(
            $"""
            SELECT {LoggedDelta.Columns} FROM deltas WHERE tenant_id = @tenantId AND customer_id = @customerId AND log_index >= @from AND log_index < @to
            ORDER BY log_index LIMIT {limit}
            """, new { tenantId, customerId, from, to }, cancellationToken: ct))).ToList();

    /// <summary>The receipt id of the entry at a log index.</summary>
    public static Task<string?> ReceiptIdAtAsync(DbConnection c, string tenantId, long index, CancellationToken ct) =>
        c.ExecuteScalarAsync<string>(new CommandDefinition(
            "SELECT receipt_id FROM deltas WHERE tenant_id = @tenantId AND log_index = @index", new { tenantId, index }, cancellationToken: ct));

    private sealed class ChainEnd
    {
        public string CustomerId { get; set; } = "";

        public long CustomerSeq { get; set; }

        public long LogIndex { get; set; }

        public long BalanceAfter { get; set; }
    }
}
