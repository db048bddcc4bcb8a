using System.Data.Common;
using Dapper;

namespace PacSpace.Plane.Features.Deltas;

/// <summary>
/// Reads along one customer's chain in <c>deltas</c>: every appended entry carries the customer's sequence and running
/// balance, so a point of the chain is one index seek and a range is read in log order.
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

    /// <summary>The customer's last entry recorded before <paramref name="timeMs"/>.</summary>
    public static Task<ChainPoint?> BeforeTimeAsync(DbConnection c, string tenantId, string customerId, long timeMs, CancellationToken ct) =>
        c.QueryFirstOrDefaultAsync<ChainPoint>(new CommandDefinition(
            $"""
            SELECT {ChainPoint.Columns} FROM deltas
            WHERE tenant_id = @tenantId AND customer_id = @customerId AND recorded_at < @timeMs
            ORDER BY recorded_at DESC, log_index DESC LIMIT 1
            """, new { tenantId, customerId, timeMs }, cancellationToken: ct));

    /// <summary>The customer's last entry at a log index below <paramref name="index"/>.</summary>
    public static Task<ChainPoint?> BeforeIndexAsync(DbConnection c, string tenantId, string customerId, long index, CancellationToken ct) =>
        c.QueryFirstOrDefaultAsync<ChainPoint>(new CommandDefinition(
            $"""
            SELECT {ChainPoint.Columns} FROM deltas
            WHERE tenant_id = @tenantId AND customer_id = @customerId AND log_index < @index
            ORDER BY log_index DESC LIMIT 1
            """, new { tenantId, customerId, index }, cancellationToken: ct));

    /// <summary>The log index just after an appended delta (by record or receipt id); null when the tenant has no such VERIFIED delta.</summary>
    public static Task<long?> IndexAfterAsync(DbConnection c, string tenantId, string id, CancellationToken ct) =>
        c.QueryFirstOrDefaultAsync<long?>(new CommandDefinition(
            "SELECT log_index + 1 FROM deltas WHERE tenant_id = @tenantId AND (record_id = @id OR receipt_id = @id) AND log_index IS NOT NULL",
            new { tenantId, id }, cancellationToken: ct));

    /// <summary>The customer's appended deltas from a log index on, in log order, one page.</summary>
    public static Task<IEnumerable<LoggedDelta>> PageFromIndexAsync(DbConnection c, string tenantId, string customerId, long fromIndex, int limit, long offset,
        CancellationToken ct) =>
        c.QueryAsync<LoggedDelta>(new CommandDefinition(
            $"""
            SELECT {LoggedDelta.Columns} FROM deltas WHERE tenant_id = @tenantId AND customer_id = @customerId AND log_index >= @fromIndex
            ORDER BY log_index LIMIT @limit OFFSET @offset
            """, new { tenantId, customerId, fromIndex, limit, offset }, cancellationToken: ct));

    /// <summary>The customer's deltas recorded in <c>[start, end)</c>, in log order, one page.</summary>
    public static Task<IEnumerable<LoggedDelta>> PageInWindowAsync(DbConnection c, string tenantId, string customerId, long start, long end, int limit, long offset,
        CancellationToken ct) =>
        c.QueryAsync<LoggedDelta>(new CommandDefinition(
            $"""
            SELECT {LoggedDelta.Columns} FROM deltas WHERE tenant_id = @tenantId AND customer_id = @customerId
              AND recorded_at >= @start AND recorded_at < @end
            ORDER BY recorded_at, log_index LIMIT @limit OFFSET @offset
            """, new { tenantId, customerId, start, end, limit, offset }, cancellationToken: ct));

    /// <summary>The customer's appended deltas, newest first, of a window (<c>[start, end)</c>) or of the whole chain (no window).</summary>
    public static Task<IEnumerable<LoggedDelta>> NewestFirstAsync(DbConnection c, string tenantId, string customerId, long? start, long? end, int limit, long offset,
        CancellationToken ct)
    {
        var where = start is not null
            ? "AND recorded_at >= @start AND recorded_at < @end ORDER BY recorded_at DESC, log_index DESC"
            : "AND log_index IS NOT NULL ORDER BY log_index DESC";
        return c.QueryAsync<LoggedDelta>(new CommandDefinition(
            $"""
            SELECT {LoggedDelta.Columns} FROM deltas WHERE tenant_id = @tenantId AND customer_id = @customerId {where}
            LIMIT @limit OFFSET @offset
            """, new { tenantId, customerId, start, end, limit, offset }, cancellationToken: ct));
    }

    /// <summary>The chain's links with a sequence in <c>[lo, to]</c>, in log order, at most <paramref name="take"/>.</summary>
    public static async Task<List<ChainLink>> LinksAsync(DbConnection c, string tenantId, string customerId, long lo, long to, int take, CancellationToken ct) =>
        (await c.QueryAsync<ChainLink>(new CommandDefinition(
            """
            SELECT customer_seq, log_index, prev_index, amount, balance_after FROM deltas
            WHERE tenant_id = @tenantId AND customer_id = @customerId AND log_index IS NOT NULL AND customer_seq >= @lo AND customer_seq <= @to
            ORDER BY log_index LIMIT @take
            """, new { tenantId, customerId, lo, to, take }, cancellationToken: ct))).ToList();
}
