using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Plane.Features.Balances;
using PacSpace.Plane.Features.Keys;
using PacSpace.Plane.Features.Scopes;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Checkpoints;

/// <summary>The caller's checkpoints, newest first: all, one window's, or those holding one customer's balance (with its figures).</summary>
internal sealed class ListCheckpoints(Database db, EntryIds ids, TimeProvider time)
{
    public sealed record Input(string? CustomerId, int Limit, long Offset, ScopeFields Scope, IReadOnlyList<ErrorDetail> Problems, string BaseUrl);

    public sealed record CheckpointList(IReadOnlyList<CheckpointView> Checkpoints, PageView Pagination);

    public async Task<Result<CheckpointList>> HandleAsync(ApiCaller caller, Input input, CancellationToken ct)
    {
        var scope = ScopeRules.Resolve(input.Scope, allowStartingPoint: false, defaultWindow: false, time.GetUtcNow(), [.. input.Problems]);
        if (!scope.IsSuccess)
        {
            return scope.Error!;
        }

        var window = scope.Value.Window;
        await using var connection = await db.OpenAsync(ct);
        var (total, rows) = await CheckpointStore.PageAsync(connection, caller.TenantId, window?.StartMs, window?.EndMs, input.CustomerId, input.Limit, input.Offset, ct);
        var log = await TenantLedgerStore.ScopeAsync(connection, ids, caller.TenantId, ct);
        var views = new List<CheckpointView>(rows.Count);
        foreach (var row in rows)
        {
            views.Add(CheckpointView.Of(row, input.BaseUrl,
                input.CustomerId is null ? null : (await CustomerView.ReadAsync(connection, log, row, input.CustomerId, ct)).Value));
        }

        return new CheckpointList(views, new PageView(input.Limit, input.Offset, total));
    }
}
