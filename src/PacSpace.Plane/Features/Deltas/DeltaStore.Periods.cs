using System.Data.Common;
using Dapper;
using PacSpace.Ledger;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Deltas;

/// <summary>Reads of a log prefix or window in <c>deltas</c>, for period checkpoints, usage and the receipts built on them.</summary>
internal static partial class DeltaStore
{
    /// <summary>
    /// Number of VERIFIED entries recorded before <paramref name="timeMs"/>. Entries are appended in time order and every
    /// group commit notes in <c>log_marks</c> its time and first index, so this is one seek there.
    /// </summary>
    public static async Task<long> SizeBeforeAsync(DbConnection c, LogScope scope, long timeMs, CancellationToken ct)
    {
        var first = await c.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT first_index FROM log_marks WHERE ledger_no = @LedgerNo AND recorded_at >= @timeMs ORDER BY recorded_at LIMIT 1",
            new { scope.LedgerNo, timeMs }, cancellationToken: ct));
        return Math.Min(first ?? scope.NextIndex, scope.TreeSize);
    }

    /// <summary>Each customer's last entry below <paramref name="toSize"/>, as a closing-balance leaf (one chain walk per customer).</summary>
    public static async Task<List<BalanceLeaf>> ClosingBalancesAsync(DbConnection c, LogScope scope, long toSize, CancellationToken ct) =>
        (await c.QueryAsync<ChainEnd>(new CommandDefinition(
            $"""
            {LastBelow(ProviderOf(c), "")}
            SELECT c.customer_id, d.customer_seq, d.log_index, d.balance_after
            FROM w CROSS JOIN deltas d JOIN log_customers c ON c.customer_no = w.customer_no
            WHERE d.ledger_no = @LedgerNo AND d.log_index = w.log_index AND w.log_index < @bound
            """, new { scope.LedgerNo, bound = Math.Min(toSize, scope.TreeSize) }, cancellationToken: ct)))
        .Select(r => new BalanceLeaf(r.CustomerId, r.CustomerSeq, r.LogIndex, r.BalanceAfter)).ToList();

    /// <summary>Sum of the deltas at log indexes <c>[fromSize, toSize)</c>.</summary>
    public static async Task<long> NetChangeAsync(DbConnection c, LogScope scope, long fromSize, long toSize, CancellationToken ct) =>
        await c.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT SUM(amount) FROM deltas WHERE ledger_no = @LedgerNo AND log_index >= @fromSize AND log_index < @toSize",
            new { scope.LedgerNo, fromSize, toSize }, cancellationToken: ct)) ?? 0;

    /// <summary>The receipt id of the entry at a log index.</summary>
    public static async Task<string> ReceiptIdAtAsync(DbConnection c, LogScope scope, long index, CancellationToken ct) =>
        await c.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT receipt_id FROM legacy_ids WHERE ledger_no = @LedgerNo AND log_index = @index", new { scope.LedgerNo, index }, cancellationToken: ct))
        ?? scope.Ids.ReceiptId(scope.LedgerNo, index);

    private sealed class ChainEnd
    {
        public string CustomerId { get; set; } = "";

        public long CustomerSeq { get; set; }

        public long LogIndex { get; set; }

        public long BalanceAfter { get; set; }
    }
}
