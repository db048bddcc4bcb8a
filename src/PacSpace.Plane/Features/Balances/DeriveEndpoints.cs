using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PacSpace.Plane.Features.Keys;
using PacSpace.Plane.Features.Scopes;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.Plane.Features.Balances;

/// <summary>
/// <c>GET /api/v1/balance/derive/{customerId}</c> and <c>POST /api/v1/balance/compare</c>: a customer's balance
/// from VERIFIED deltas only, over a window (default: the current UTC month) or from a starting point.
/// </summary>
internal static class DeriveEndpoints
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    public const long MaxBalance = 1_000_000_000_000_000;

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

    public sealed record PageView(int Limit, long Offset, long Total);

    /// <summary>The compare body, for the OpenAPI document.</summary>
    public sealed record CompareRequest(string CustomerId, long YourBalance, long TheirBalance, long? StartingBalance, string? Period, string? TimePreset,
        string? StartDate, string? EndDate, string? StartingCheckpoint, string? StartingCheckpointType);

    public sealed record CompareView(
        string CustomerId,
        long NeutralBalance,
        long YourBalance,
        long TheirBalance,
        bool MatchesYours,
        bool MatchesTheirs,
        long YourDifference,
        long TheirDifference,
        long StartingBalance,
        long DeltasCount,
        string? LatestReceiptId,
        ScopeView Scope);

    private sealed record Derived(long Balance, long Net, long Count, string? LatestReceiptId, long FromIndex);

    public static void Map(RouteGroupBuilder balance)
    {
        balance.MapGet("/derive/{customerId}", DeriveAsync).Produces<DeriveView>()
            .QueryParameters(("startingBalance", "integer added to the scope's net change (default 0)"), ("startingCheckpoint", "proofRoot, recordId or receiptId to resume after"),
                ("startingCheckpointType", "proofRoot or recordId (inferred when left out)"), ("period", "YYYY-MM: one UTC calendar month"), ("timePreset", "current_month, previous_month, last_7_days, last_30_days, last_90_days, last_12_months or custom"), ("startDate", "ISO 8601 start (inclusive) of a custom window"), ("endDate", "ISO 8601 end (exclusive) of a custom window"),
                ("limit", "deltas listed, 1–1000 (default 100)"), ("offset", "deltas skipped (default 0)"));
        balance.MapPost("/compare", CompareAsync).AcceptsJson<CompareRequest>().Produces<CompareView>();
    }

    private static async Task<IResult> DeriveAsync(string customerId, HttpContext http, Database db, TimeProvider time, CancellationToken ct)
    {
        var caller = http.Features.Get<ApiCaller>()!;
        customerId = RawPath.LastSegment(http, customerId);
        var q = new QueryFields(http.Request.Query);
        var startingBalance = q.Integer("startingBalance", 0, -MaxBalance, MaxBalance);
        var limit = (int)q.Integer("limit", DefaultLimit, 1, MaxLimit);
        var offset = q.Integer("offset", 0, 0, long.MaxValue / 2);
        CheckCustomerId(customerId, q.Errors);
        var scope = ScopeRules.Resolve(ScopeFields.FromQuery(q), allowStartingPoint: true, defaultWindow: true, time.GetUtcNow(), q.Errors);
        if (!scope.IsSuccess)
        {
            return Envelope.Fail(scope.Error!);
        }

        await using var connection = await db.OpenAsync(ct);
        var derived = await ComputeAsync(connection, caller.TenantId, customerId, scope.Value, startingBalance, ct);
        if (!derived.IsSuccess)
        {
            return Envelope.Fail(derived.Error!);
        }

        var d = derived.Value;
        var page = await ChainReads.PageAsync(connection, caller.TenantId, customerId, scope.Value, d.FromIndex, limit, offset, ct);
        return Envelope.Ok(new DeriveView(customerId, d.Balance, startingBalance, d.Net, d.Count, page, d.LatestReceiptId, scope.Value.Describe(),
            new PageView(limit, offset, d.Count)));
    }

    private static async Task<IResult> CompareAsync(HttpContext http, Database db, TimeProvider time, CancellationToken ct)
    {
        var caller = http.Features.Get<ApiCaller>()!;
        var body = await JsonBody.ReadAsync(http.Request, ct);
        if (!body.IsSuccess)
        {
            return Envelope.Fail(body.Error!);
        }

        var f = body.Value;
        var customerId = f.String("customerId", required: true, 1, Deltas.NewDelta.MaxCustomerId, trim: false);
        var yours = f.Integer("yourBalance", required: true, -MaxBalance, MaxBalance);
        var theirs = f.Integer("theirBalance", required: true, -MaxBalance, MaxBalance);
        var startingBalance = f.Integer("startingBalance", required: false, -MaxBalance, MaxBalance) ?? 0;
        var fields = ScopeFields.FromBody(f);
        var scope = ScopeRules.Resolve(fields, allowStartingPoint: true, defaultWindow: true, time.GetUtcNow(), f.Errors.ToList());
        if (!scope.IsSuccess)
        {
            return Envelope.Fail(scope.Error!);
        }

        await using var connection = await db.OpenAsync(ct);
        var derived = await ComputeAsync(connection, caller.TenantId, customerId!, scope.Value, startingBalance, ct);
        if (!derived.IsSuccess)
        {
            return Envelope.Fail(derived.Error!);
        }

        var d = derived.Value;
        return Envelope.Ok(new CompareView(customerId!, d.Balance, yours!.Value, theirs!.Value, yours == d.Balance, theirs == d.Balance,
            yours.Value - d.Balance, theirs.Value - d.Balance, startingBalance, d.Count, d.LatestReceiptId, scope.Value.Describe()));
    }

    private static async Task<Result<Derived>> ComputeAsync(System.Data.Common.DbConnection connection, string tenantId, string customerId, Scope scope,
        long startingBalance, CancellationToken ct)
    {
        var points = await ChainReads.ResolveAsync(connection, tenantId, customerId, scope, ct);
        if (!points.IsSuccess)
        {
            return points.Error!;
        }

        var (from, to, fromIndex, _) = points.Value;
        var (count, net) = ChainReads.Between(from, to);
        var latest = to is not null && count > 0 ? to.receipt_id : null;
        return new Derived(startingBalance + net, net, count, latest, fromIndex);
    }

    public static void CheckCustomerId(string customerId, List<ErrorDetail> errors)
    {
        if (customerId.Length is 0 or > Deltas.NewDelta.MaxCustomerId)
        {
            errors.Add(new ErrorDetail("customerId", $"must be 1 to {Deltas.NewDelta.MaxCustomerId} characters"));
        }
    }
}
