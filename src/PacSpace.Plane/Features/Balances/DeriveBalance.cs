using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Plane.Features.Deltas;
using PacSpace.Plane.Features.Keys;
using PacSpace.Plane.Features.Scopes;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Balances;

/// <summary>A customer's balance from VERIFIED deltas only, over a window (default: the current UTC month) or from a starting point, with one page of its deltas.</summary>
internal sealed class DeriveBalance(Database db, EntryIds ids, TimeProvider time)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    public const long MaxBalance = 1_000_000_000_000_000;

    /// <param name="Problems">Problems with the other fields, reported together with the scope's.</param>
    public sealed record Input(string CustomerId, long StartingBalance, int Limit, long Offset, ScopeFields Scope, IReadOnlyList<ErrorDetail> Problems);

    public sealed record DeriveView(
        string CustomerId,
        long ComputedBalance,
        long StartingBalance,
        long NetChange,
        long DeltasCount,
        IReadOnlyList<DeltaItem> Deltas,
        string? LatestReceiptId,
        ScopeView Scope,
        PageView Pagination);

    public async Task<Result<DeriveView>> HandleAsync(ApiCaller caller, Input input, CancellationToken ct)
    {
        var scope = ScopeRules.Resolve(input.Scope, allowStartingPoint: true, defaultWindow: true, time.GetUtcNow(), [.. input.Problems]);
        if (!scope.IsSuccess)
        {
            return scope.Error!;
        }

        await using var connection = await db.OpenAsync(ct);
        var log = await TenantLedgerStore.ScopeAsync(connection, ids, caller.TenantId, ct);
        var derived = await ChainReads.DeriveAsync(connection, log, input.CustomerId, scope.Value, input.StartingBalance, ct);
        if (!derived.IsSuccess)
        {
            return derived.Error!;
        }

        var d = derived.Value;
        var page = await ChainReads.PageAsync(connection, log, input.CustomerId, d.FromIndex, d.ToIndex, input.Limit, input.Offset, ct);
        return new DeriveView(input.CustomerId, d.Balance, input.StartingBalance, d.Net, d.Count, page, d.LatestReceiptId, scope.Value.Describe(),
            new PageView(input.Limit, input.Offset, d.Count));
    }
}
