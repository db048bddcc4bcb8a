using System.Data.Common;
using Dapper;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Deltas;

/// <summary>
/// Pages of <c>deltas</c> for the dashboard's reads: a range of the log newest first, of the whole log (its primary key) or of
/// one customer (its chain, walked back from the range's end), QUEUED rows included. Every filter the pages offer is a range of
/// log indexes — status by the signed size, a time window through <c>log_marks</c> — so a page is one seek, or one walk, and at
/// most a page of rows.
/// </summary>
internal static partial class DeltaStore
{
    /// <summary>
    /// The log's deltas at indexes <c>[from, to)</c>, newest first, at most <paramref name="take"/>; of one customer when
    /// <paramref name="customerId"/> is given.
    /// </summary>
    public static async Task<List<DeltaRow>> NewestInRangeAsync(DbConnection c, LogScope scope, string? customerId, long from, long to, int take, CancellationToken ct)
    {
        if (scope.LedgerNo < 0 || from >= to)
        {
            return [];
        }

        if (customerId is not null)
        {
            return await NewestOfCustomerAsync(c, scope, customerId, from, to, take, 0, ct);
        }

        return Finish(await c.QueryAsync<DeltaRow>(new CommandDefinition(
            $"""
            {DeltaRow.Select}
            WHERE d.ledger_no = @LedgerNo AND d.log_index >= @from AND d.log_index < @to
            ORDER BY d.log_index DESC LIMIT @take
            """, new { scope.LedgerNo, from, to, take }, cancellationToken: ct)), scope);
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
