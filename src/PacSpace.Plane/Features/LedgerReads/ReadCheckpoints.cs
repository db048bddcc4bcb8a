using PacSpace.Contracts.Reads;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Plane.Features.Balances;
using PacSpace.Plane.Features.Checkpoints;

namespace PacSpace.Plane.Features.LedgerReads;

/// <summary>
/// A page of a tenant's period checkpoints in this environment, newest first (<c>GET /internal/v1/tenants/{tenantId}/checkpoints</c>),
/// optionally those holding one customer's balance: each with its window, log sizes, roots, totals, signed statement and the
/// verify link the Balance API gives (<see cref="CheckpointView"/>).
/// </summary>
internal sealed class ReadCheckpoints(Database db)
{
    public sealed record Input(string TenantId, string? CustomerId, string? Cursor, int Limit, IReadOnlyList<ErrorDetail> Problems);

    public async Task<Result<CheckpointList>> HandleAsync(Input input, CancellationToken ct)
    {
        var problems = input.Problems.ToList();
        if (input.CustomerId is not null)
        {
            CustomerIds.Check(input.CustomerId, problems);
        }

        var key = input.Cursor is null ? null : ReadCursor.Read(input.Cursor, 2, problems);
        var afterAt = key is null ? null : ReadCursor.Whole(key[0], problems);
        var afterId = key is null ? null : ReadCursor.Text(key[1], problems);
        if (problems.Count > 0)
        {
            return Error.Validation(problems);
        }

        await using var connection = await db.OpenAsync(ct);
        var rows = await CheckpointStore.NewestAfterAsync(connection, db.Provider, input.TenantId, input.CustomerId, afterAt, afterId, input.Limit + 1, ct);
        var page = rows.Take(input.Limit).ToList();
        var next = rows.Count > input.Limit ? ReadCursor.Of(page[^1].CreatedAt, page[^1].CheckpointId) : null;
        return new CheckpointList(page.Select(row =>
        {
            // The Balance API's view, so the verify link is the one it gives (a path here: the control plane adds the plane's address).
            var v = CheckpointView.Of(row, "", null);
            return new CheckpointSummary(v.CheckpointId, v.Period, v.TimePreset, v.StartDate, v.EndDate, v.FromSize, v.ToSize, v.ProofRoot, v.BalancesRoot,
                v.CustomerCount, v.DeltaCount, v.NetChange, v.ClosedAt, v.CreatedAt, v.Checkpoint, v.Statement, v.Signature, v.VerifyUrl);
        }).ToList(), next);
    }
}
