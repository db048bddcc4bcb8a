using PacSpace.Contracts.Reads;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Plane.Features.Balances;
using PacSpace.Plane.Features.Deltas;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.LedgerReads;

/// <summary>
/// A page of a tenant's deltas in this environment, newest first (<c>GET /internal/v1/tenants/{tenantId}/deltas</c>), optionally
/// of one status, one customer and a time window. Every filter is a range of log indexes: VERIFIED is below the signed size and
/// QUEUED above it, a window <c>[from, to)</c> maps to indexes through <c>log_marks</c> (entries are appended in time order), and a
/// customer's deltas are its chain. So a page is a few seeks and a page of rows of the primary key or the chain index, whatever
/// the size of the log.
/// </summary>
internal sealed class ReadDeltas(Database db, EntryIds ids)
{
    /// <param name="Status"><see cref="ReadRoutes.Verified"/> or <see cref="ReadRoutes.Queued"/> (any case), or null for both.</param>
    /// <param name="FromMs">Recorded at or after (Unix ms), or null.</param>
    /// <param name="ToMs">Recorded before (Unix ms), or null.</param>
    public sealed record Input(string TenantId, string? Status, string? CustomerId, long? FromMs, long? ToMs, string? Cursor, int Limit, IReadOnlyList<ErrorDetail> Problems);

    public async Task<Result<DeltaList>> HandleAsync(Input input, CancellationToken ct)
    {
        var problems = input.Problems.ToList();
        var status = input.Status?.ToLowerInvariant();
        if (status is not (null or ReadRoutes.Verified or ReadRoutes.Queued))
        {
            problems.Add(new ErrorDetail("status", $"must be {ReadRoutes.Verified} or {ReadRoutes.Queued}: an accepted delta is never FAILED"));
        }

        if (input.CustomerId is not null)
        {
            CustomerIds.Check(input.CustomerId, problems);
        }

        if (input.FromMs is long from && input.ToMs is long to && to <= from)
        {
            problems.Add(new ErrorDetail("to", "must be after from"));
        }

        var key = input.Cursor is null ? null : ReadCursor.Read(input.Cursor, 1, problems);
        var before = key is null ? null : ReadCursor.Whole(key[0], problems);
        if (problems.Count > 0)
        {
            return Error.Validation(problems);
        }

        await using var connection = await db.OpenAsync(ct);
        var log = await TenantLedgerStore.ScopeAsync(connection, ids, input.TenantId, ct);
        var lo = input.FromMs is long f ? await DeltaStore.IndexAtTimeAsync(connection, log, f, ct) : 0;
        var hi = Math.Min(input.ToMs is long t ? await DeltaStore.IndexAtTimeAsync(connection, log, t, ct) : log.NextIndex, Math.Min(log.NextIndex, before ?? long.MaxValue));
        (lo, hi) = status switch
        {
            ReadRoutes.Verified => (lo, Math.Min(hi, log.TreeSize)),
            ReadRoutes.Queued => (Math.Max(lo, log.TreeSize), hi),
            _ => (lo, hi),
        };
        return await DeltaPages.NewestFirstAsync(connection, log, input.CustomerId, lo, hi, input.Limit, ct);
    }
}
