using System.Data.Common;
using Dapper;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Deltas;

/// <summary>
/// Reads along one customer's chain in <c>deltas</c>: every entry carries the customer's sequence and running balance,
/// so a point of the chain is one index seek and a range is read in log order. Reads stop at the scope's signed size.
/// Every range here has both bounds on <c>log_index</c>: with only an upper one, SQLite's planner (without statistics)
/// walks the log's primary key instead of the customer's chain index.
/// </summary>
internal static partial class DeltaStore
{
    /// <summary>The customer's chain: customers are interned, chains are indexed by number.</summary>
    private const string Chain = "FROM log_customers c JOIN deltas d ON d.ledger_no = c.ledger_no AND d.customer_no = c.customer_no";

    /// <summary>The customer, for a query over <see cref="DeltaRow.Select"/> (which joins the customer already).</summary>
    private const string OfCustomer = "d.ledger_no = @LedgerNo AND c.ledger_no = @LedgerNo AND c.customer_id = @customerId";

    /// <summary>One link of a customer's chain, as the gap check reads it.</summary>
    public sealed class ChainLink
    {
        public long CustomerSeq { get; set; }

        public long LogIndex { get; set; }

        public long? PrevIndex { get; set; }

        public long Amount { get; set; }

        public long BalanceAfter { get; set; }
    }

    /// <summary>The customer's last VERIFIED entry recorded before <paramref name="timeMs"/>.</summary>
    public static async Task<ChainPoint?> BeforeTimeAsync(DbConnection c, LogScope scope, string customerId, long timeMs, CancellationToken ct) =>
        await BeforeIndexAsync(c, scope, customerId, await SizeBeforeAsync(c, scope, timeMs, ct), ct);

    /// <summary>The customer's last VERIFIED entry at a log index below <paramref name="index"/>.</summary>
    public static async Task<ChainPoint?> BeforeIndexAsync(DbConnection c, LogScope scope, string customerId, long index, CancellationToken ct)
    {
        var point = await c.QueryFirstOrDefaultAsync<PointRow>(new CommandDefinition(
            $"""
            SELECT d.customer_seq, d.log_index, d.balance_after, x.receipt_id AS legacy_receipt_id {Chain}
            LEFT JOIN legacy_ids x ON x.ledger_no = d.ledger_no AND x.log_index = d.log_index
            WHERE c.ledger_no = @LedgerNo AND c.customer_id = @customerId AND d.log_index >= 0 AND d.log_index < @index
            ORDER BY d.log_index DESC LIMIT 1
            """, new { scope.LedgerNo, customerId, index = Math.Min(index, scope.TreeSize) }, cancellationToken: ct));
        return point is null
            ? null
            : new ChainPoint
            {
                CustomerSeq = point.CustomerSeq, LogIndex = point.LogIndex, BalanceAfter = point.BalanceAfter,
                ReceiptId = point.LegacyReceiptId ?? scope.Ids.ReceiptId(scope.LedgerNo, point.LogIndex),
            };
    }

    /// <summary>The customer's VERIFIED deltas at log indexes <c>[from, to)</c>, in log order, one page.</summary>
    public static async Task<List<DeltaRow>> RangeAsync(DbConnection c, LogScope scope, string customerId, long from, long to, int limit, long offset,
        CancellationToken ct) =>
        Finish(await c.QueryAsync<DeltaRow>(new CommandDefinition(
            $"""
            {DeltaRow.Select}
            WHERE {OfCustomer} AND d.log_index >= @from AND d.log_index < @to
            ORDER BY d.log_index LIMIT @limit OFFSET @offset
            """, new { scope.LedgerNo, customerId, from, to = Math.Min(to, scope.TreeSize), limit, offset }, cancellationToken: ct)), scope);

    /// <summary>The customer's VERIFIED deltas at log indexes <c>[from, to)</c>, newest first, one page.</summary>
    public static async Task<List<DeltaRow>> NewestFirstAsync(DbConnection c, LogScope scope, string customerId, long from, long to, int limit, long offset,
        CancellationToken ct) =>
        Finish(await c.QueryAsync<DeltaRow>(new CommandDefinition(
            $"""
            {DeltaRow.Select}
            WHERE {OfCustomer} AND d.log_index >= @from AND d.log_index < @to
            ORDER BY d.log_index DESC LIMIT @limit OFFSET @offset
            """, new { scope.LedgerNo, customerId, from, to = Math.Min(to, scope.TreeSize), limit, offset }, cancellationToken: ct)), scope);

    /// <summary>The chain's VERIFIED links with a sequence in <c>[lo, to]</c>, in log order, at most <paramref name="take"/>.</summary>
    public static async Task<List<ChainLink>> LinksAsync(DbConnection c, LogScope scope, string customerId, long lo, long to, int take, CancellationToken ct) =>
        (await c.QueryAsync<ChainLink>(new CommandDefinition(
            $"""
            SELECT d.customer_seq, d.log_index, d.prev_index, d.amount, d.balance_after {Chain}
            WHERE c.ledger_no = @LedgerNo AND c.customer_id = @customerId AND d.log_index >= 0 AND d.log_index < @TreeSize
              AND d.customer_seq >= @lo AND d.customer_seq <= @to
            ORDER BY d.log_index LIMIT @take
            """, new { scope.LedgerNo, scope.TreeSize, customerId, lo, to, take }, cancellationToken: ct))).ToList();

    /// <summary>The customer's deltas not yet covered by a signed head.</summary>
    public static Task<long> CountQueuedAsync(DbConnection c, LogScope scope, string customerId, CancellationToken ct) =>
        c.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT COUNT(*) {Chain} WHERE c.ledger_no = @LedgerNo AND c.customer_id = @customerId AND d.log_index >= @TreeSize",
            new { scope.LedgerNo, scope.TreeSize, customerId }, cancellationToken: ct));

    private static List<DeltaRow> Finish(IEnumerable<DeltaRow> rows, LogScope scope) => rows.Select(r => r.Finish(scope.Ids, scope.TreeSize)).ToList();

    private sealed class PointRow
    {
        public long CustomerSeq { get; set; }

        public long LogIndex { get; set; }

        public long BalanceAfter { get; set; }

        public string? LegacyReceiptId { get; set; }
    }
}
