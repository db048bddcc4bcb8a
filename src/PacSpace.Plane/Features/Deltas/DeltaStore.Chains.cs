using System.Data.Common;
using Dapper;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Deltas;

/// <summary>
/// Reads along one customer's chain in <c>deltas</c>: every entry carries the customer's sequence and running balance, so
/// a point of the chain is one walk (<see cref="LastBelow"/>, <see cref="BySequence"/>) and a range of log indexes is the
/// range of sequences between its two ends' points, read by sequence. Reads stop at the scope's signed size.
/// </summary>
internal static partial class DeltaStore
{
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
        var point = await PointBelowAsync(c, scope, customerId, Math.Min(index, scope.TreeSize), ct);
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
        CancellationToken ct)
    {
        var (first, last) = await SequencesAsync(c, scope, customerId, from, Math.Min(to, scope.TreeSize), ct);
        return await BySequenceAsync(c, scope, customerId, first + offset, Math.Min(last, first + offset + limit - 1), newestFirst: false, ct);
    }

    /// <summary>The customer's VERIFIED deltas at log indexes <c>[from, to)</c>, newest first, one page.</summary>
    public static Task<List<DeltaRow>> NewestFirstAsync(DbConnection c, LogScope scope, string customerId, long from, long to, int limit, long offset,
        CancellationToken ct) =>
        NewestOfCustomerAsync(c, scope, customerId, from, Math.Min(to, scope.TreeSize), limit, offset, ct);

    /// <summary>The customer's deltas at log indexes <c>[from, to)</c>, QUEUED or not, newest first, one page.</summary>
    private static async Task<List<DeltaRow>> NewestOfCustomerAsync(DbConnection c, LogScope scope, string customerId, long from, long to, int limit, long offset,
        CancellationToken ct)
    {
        var (first, last) = await SequencesAsync(c, scope, customerId, from, to, ct);
        return await BySequenceAsync(c, scope, customerId, Math.Max(first, last - offset - limit + 1), last - offset, newestFirst: true, ct);
    }

    /// <summary>The chain's VERIFIED links with a sequence in <c>[lo, to]</c>, in log order, at most <paramref name="take"/>.</summary>
    public static async Task<List<ChainLink>> LinksAsync(DbConnection c, LogScope scope, string customerId, long lo, long to, int take, CancellationToken ct) =>
        take <= 0 || lo > to
            ? []
            : (await c.QueryAsync<ChainLink>(new CommandDefinition(
                $"""
                {BySequence(ProviderOf(c), "d.customer_seq, d.log_index, d.prev_index, d.amount, d.balance_after", "")}
                  AND d.customer_seq >= @lo AND d.customer_seq <= @hi AND d.log_index < @TreeSize
                ORDER BY d.log_index
                """, new { scope.LedgerNo, scope.TreeSize, customerId, lo, hi = Math.Min(to, lo + take - 1) }, cancellationToken: ct))).ToList();

    /// <summary>The customer's deltas not yet covered by a signed head: those after its last signed entry, up to its chain's head.</summary>
    public static async Task<long> CountQueuedAsync(DbConnection c, LogScope scope, string customerId, CancellationToken ct)
    {
        var head = await c.ExecuteScalarAsync<long?>(new CommandDefinition(
            $"""
            SELECT d.customer_seq FROM log_customers c JOIN deltas d ON d.ledger_no = c.ledger_no AND d.log_index = {HeadIndex(ProviderOf(c))}
            WHERE c.ledger_no = @LedgerNo AND c.customer_id = @customerId
            """, new { scope.LedgerNo, customerId }, cancellationToken: ct));
        return head is long last ? last - ((await PointBelowAsync(c, scope, customerId, scope.TreeSize, ct))?.CustomerSeq ?? 0) : 0;
    }

    /// <summary>
    /// The sequences of the customer's first and last entries at log indexes <c>[from, to)</c>; the first is past the last when
    /// there is none. A chain's sequences count its entries from 1, so an entry's place in the range is its sequence.
    /// </summary>
    private static async Task<(long First, long Last)> SequencesAsync(DbConnection c, LogScope scope, string customerId, long from, long to,
        CancellationToken ct)
    {
        if (from >= to)
        {
            return (1, 0);
        }

        var before = (await PointBelowAsync(c, scope, customerId, from, ct))?.CustomerSeq ?? 0;
        return (before + 1, (await PointBelowAsync(c, scope, customerId, to, ct))?.CustomerSeq ?? 0);
    }

    /// <summary>The customer's entries with a sequence in <c>[lo, hi]</c>, in log order or newest first (none when <c>lo &gt; hi</c>).</summary>
    private static async Task<List<DeltaRow>> BySequenceAsync(DbConnection c, LogScope scope, string customerId, long lo, long hi, bool newestFirst,
        CancellationToken ct) =>
        lo > hi
            ? []
            : Finish(await c.QueryAsync<DeltaRow>(new CommandDefinition(
                $"""
                {BySequence(ProviderOf(c), DeltaRow.Columns, DeltaRow.Joins)}
                  AND d.customer_seq >= @lo AND d.customer_seq <= @hi
                ORDER BY d.log_index {(newestFirst ? "DESC" : "")}
                """, new { scope.LedgerNo, customerId, lo, hi }, cancellationToken: ct)), scope);

    /// <summary>The customer's last entry at a log index below <paramref name="bound"/>, signed or not.</summary>
    private static Task<PointRow?> PointBelowAsync(DbConnection c, LogScope scope, string customerId, long bound, CancellationToken ct) =>
        c.QueryFirstOrDefaultAsync<PointRow?>(new CommandDefinition(
            $"""
            {LastBelow(ProviderOf(c), " AND c.customer_id = @customerId")}
            SELECT d.customer_seq, d.log_index, d.balance_after, x.receipt_id AS legacy_receipt_id
            FROM w CROSS JOIN deltas d
            LEFT JOIN legacy_ids x ON x.ledger_no = d.ledger_no AND x.log_index = d.log_index
            WHERE d.ledger_no = @LedgerNo AND d.log_index = w.log_index AND w.log_index < @bound
            """, new { scope.LedgerNo, customerId, bound }, cancellationToken: ct));

    private static List<DeltaRow> Finish(IEnumerable<DeltaRow> rows, LogScope scope) => rows.Select(r => r.Finish(scope.Ids, scope.TreeSize)).ToList();

    private sealed class PointRow
    {
        public long CustomerSeq { get; set; }

        public long LogIndex { get; set; }

        public long BalanceAfter { get; set; }

        public string? LegacyReceiptId { get; set; }
    }
}
