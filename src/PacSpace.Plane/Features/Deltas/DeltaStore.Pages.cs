using System.Data.Common;
using Dapper;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Deltas;

/// <summary>
/// Pages of <c>deltas</c> for the dashboard's reads: a range of the log newest first, of the whole log (its primary key) or of
/// one customer (the chain index), QUEUED rows included. Every filter the pages offer is a range of log indexes — status by the
/// signed size, a time window through <c>log_marks</c> — so a page is one seek and at most a page of rows.
/// </summary>
internal static partial class DeltaStore
{
    /// <summary>
    /// The log's deltas at indexes <c>[from, to)</c>, newest first, at most <paramref name="take"/>; of one customer when
    /// <paramref name="customerId"/> is given. Both bounds are always set (see the chain reads on SQLite's planner).
    /// </summary>
    public static async Task<List<DeltaRow>> NewestInRangeAsync(DbConnection c, LogScope scope, string? customerId, long from, long to, int take, CancellationToken ct)
    {
        if (scope.LedgerNo < 0 || from >= to)
        {
            return [];
        }

        var filter = customerId is null ? "d.ledger_no = @LedgerNo" : OfCustomer;
        return Finish(await c.QueryAsync<DeltaRow>(new CommandDefinition(
            $"""
            {DeltaRow.Select}
            WHERE {filter} AND d.log_index >= @from AND d.log_index < @to
            ORDER BY d.log_index DESC LIMIT @take
            """, new { scope.LedgerNo, customerId, from, to, take }, cancellationToken: ct)), scope);
    }

    /// <summary>
    /// The index of the log's first entry recorded at or after <paramref name="timeMs"/> (signed or not), or the next index when
    /// none is: the entries before <paramref name="timeMs"/> are those below it. One seek in <c>log_marks</c>.
    /// </summary>
    public static async Task<long> IndexAtTimeAsync(DbConnection c, LogScope scope, long timeMs, CancellationToken ct) =>
        scope.LedgerNo < 0
            ? 0
            : await c.ExecuteScalarAsync<long?>(new CommandDefinition(
                "SELECT first_index FROM log_marks WHERE ledger_no = @LedgerNo AND recorded_at >= @timeMs ORDER BY recorded_at LIMIT 1",
                new { scope.LedgerNo, timeMs }, cancellationToken: ct)) ?? scope.NextIndex;
}
