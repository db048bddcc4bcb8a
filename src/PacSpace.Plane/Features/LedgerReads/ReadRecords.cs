using PacSpace.Contracts.Reads;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Ledger;
using PacSpace.Plane.Features.Records;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.LedgerReads;

/// <summary>
/// A page of a tenant's records in this environment (<c>GET /internal/v1/tenants/{tenantId}/records</c>), newest first by their
/// first entry, optionally of one record type: each with its number of entries and its last entry's lifecycle and status.
/// </summary>
internal sealed class ReadRecords(Database db, EntryIds ids)
{
    public sealed record Input(string TenantId, string? RecordType, string? Cursor, int Limit, IReadOnlyList<ErrorDetail> Problems);

    public async Task<Result<RecordList>> HandleAsync(Input input, CancellationToken ct)
    {
        var problems = input.Problems.ToList();
        if (input.RecordType is not null && NewTransition.PathProblem(input.RecordType, NewTransition.MaxRecordType) is { } bad)
        {
            problems.Add(new ErrorDetail("recordType", bad));
        }

        var key = input.Cursor is null ? null : ReadCursor.Read(input.Cursor, 1, problems);
        var before = key is null ? null : ReadCursor.Whole(key[0], problems);
        if (problems.Count > 0)
        {
            return Error.Validation(problems);
        }

        await using var connection = await db.OpenAsync(ct);
        var log = await TenantLedgerStore.ScopeAsync(connection, ids, input.TenantId, ct);
        if (log.LedgerNo < 0)
        {
            return new RecordList([], null);
        }

        var rows = await RecordStore.NewestAsync(connection, log.LedgerNo, input.RecordType, Math.Min(before ?? long.MaxValue, log.NextIndex), input.Limit + 1, ct);
        var page = rows.Take(input.Limit).ToList();
        return new RecordList(page.Select(r => new RecordSummary(r.RecordType, r.EntityId, RecordKey.Format(r.RecordKey), r.HeadSeq + 1,
                RecordLifecycles.Name((RecordLifecycle)r.HeadLifecycle), r.HeadIndex < log.TreeSize ? RecordViews.Committed : RecordViews.Queued,
                DateTimeOffset.FromUnixTimeMilliseconds(r.FirstAt), DateTimeOffset.FromUnixTimeMilliseconds(r.HeadAt))).ToList(),
            rows.Count > input.Limit ? ReadCursor.Of(page[^1].FirstIndex) : null);
    }
}
