using System.Globalization;
using PacSpace.Contracts.Reads;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Plane.Features.Deltas;
using PacSpace.Plane.Features.Records;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.LedgerReads;

/// <summary>
/// A tenant's VERIFIED deltas in one UTC month of this environment, day by day (<c>GET /internal/v1/tenants/{tenantId}/usage</c>):
/// the dashboard's usage chart. Entries are appended in time order, so each day is a range of the log found by one seek in
/// <c>log_marks</c> at each midnight; the record entries of a range (not deltas) are counted on their primary key and taken
/// off, as the Balance API's usage does. Nothing is scanned per delta.
/// </summary>
internal sealed class ReadUsage(Database db, EntryIds ids, TimeProvider time)
{
    /// <param name="Month"><c>YYYY-MM</c>, or null for the current UTC month.</param>
    public sealed record Input(string TenantId, string? Month);

    public async Task<Result<MonthUsage>> HandleAsync(Input input, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var start = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        if (input.Month is not null)
        {
            if (!DateTime.TryParseExact(input.Month, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var month)
                || month.Year is < 2000 or > 9998)
            {
                return Error.Validation("month", "must be a month, YYYY-MM, from 2000-01");
            }

            start = new DateTimeOffset(month.Year, month.Month, 1, 0, 0, 0, TimeSpan.Zero);
        }

        // Days of the month up to and including today; none for a month still to come.
        var end = start.AddMonths(1);
        var last = now < end ? new DateTimeOffset(now.Year, now.Month, now.Day, 0, 0, 0, TimeSpan.Zero).AddDays(1) : end;
        await using var connection = await db.OpenAsync(ct);
        var log = await TenantLedgerStore.ScopeAsync(connection, ids, input.TenantId, ct);
        var days = new List<UsageDay>();
        var from = await DeltaStore.SizeBeforeAsync(connection, log, start.ToUnixTimeMilliseconds(), ct);
        for (var day = start; day < last; day = day.AddDays(1))
        {
            var to = await DeltaStore.SizeBeforeAsync(connection, log, day.AddDays(1).ToUnixTimeMilliseconds(), ct);
            var records = log.RecordEntries == 0 || log.LedgerNo < 0 ? 0 : await RecordStore.CountInRangeAsync(connection, log.LedgerNo, from, to, ct);
            days.Add(new UsageDay(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), to - from - records));
            from = to;
        }

        var pending = log.LedgerNo < 0 ? 0
            : log.Unsigned - (log.RecordEntries == 0 ? 0 : await RecordStore.CountInRangeAsync(connection, log.LedgerNo, log.TreeSize, log.NextIndex, ct));
        return new MonthUsage(start.ToString("yyyy-MM", CultureInfo.InvariantCulture), days, days.Sum(d => d.Deltas), pending, log.Deltas);
    }
}
