using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PacSpace.Hosting.Web;
using PacSpace.Plane.Features.Keys;
using PacSpace.Plane.Features.Scopes;

namespace PacSpace.Plane.Features.Balances;

/// <summary>
/// <c>GET /api/v1/balance/derive/{customerId}</c>, <c>POST /compare</c>, <c>GET /usage</c> and <c>GET /limits</c>; the
/// customer routes are in <see cref="CustomerEndpoints"/>.
/// </summary>
internal static class BalanceEndpoints
{
    /// <summary>The compare body, for the OpenAPI document.</summary>
    public sealed record CompareRequest(string CustomerId, long YourBalance, long TheirBalance, long? StartingBalance, string? Period, string? TimePreset,
        string? StartDate, string? EndDate, string? StartingCheckpoint, string? StartingCheckpointType);

    public static IServiceCollection AddBalances(this IServiceCollection services) =>
        services.AddSingleton<DeriveBalance>().AddSingleton<CompareBalances>().AddSingleton<GetUsage>()
            .AddSingleton<ListCustomers>().AddSingleton<GetCustomer>().AddSingleton<CheckGaps>();

    public static void MapDerive(this RouteGroupBuilder balance)
    {
        balance.MapGet("/derive/{customerId}", DeriveAsync).Produces<DeriveBalance.DeriveView>()
            .QueryParameters(("startingBalance", "integer added to the scope's net change (default 0)"), ("startingCheckpoint", "proofRoot, recordId or receiptId to resume after"),
                ("startingCheckpointType", "proofRoot or recordId (inferred when left out)"), ("period", "YYYY-MM: one UTC calendar month"), ("timePreset", "current_month, previous_month, last_7_days, last_30_days, last_90_days, last_12_months or custom"), ("startDate", "ISO 8601 start (inclusive) of a custom window"), ("endDate", "ISO 8601 end (exclusive) of a custom window"),
                ("limit", "deltas listed, 1–1000 (default 100)"), ("offset", "deltas skipped (default 0)"));
        balance.MapPost("/compare", async (HttpContext http, CompareBalances handler, CancellationToken ct) =>
            {
                var body = await JsonBody.ReadAsync(http.Request, ct);
                return body.IsSuccess
                    ? Envelope.From(await handler.HandleAsync(ApiCaller.Of(http), CompareBalances.Input.Read(body.Value), ct), view => Envelope.Ok(view))
                    : Envelope.Fail(body.Error!);
            })
            .AcceptsJson<CompareRequest>().Produces<CompareBalances.CompareView>();
    }

    public static void MapUsage(this RouteGroupBuilder balance)
    {
        balance.MapGet("/usage", async (HttpContext http, GetUsage handler, CancellationToken ct) => Envelope.Ok(await handler.HandleAsync(ApiCaller.Of(http), ct)))
            .Produces<GetUsage.UsageView>();
        balance.MapGet("/limits", () => Envelope.Ok(GetLimits.Limits)).Produces<GetLimits.LimitsView>();
    }

    private static async Task<IResult> DeriveAsync(string customerId, HttpContext http, DeriveBalance handler, CancellationToken ct)
    {
        customerId = RawPath.LastSegment(http, customerId);
        var q = new QueryFields(http.Request.Query);
        var startingBalance = q.Integer("startingBalance", 0, -DeriveBalance.MaxBalance, DeriveBalance.MaxBalance);
        var limit = (int)q.Integer("limit", DeriveBalance.DefaultLimit, 1, DeriveBalance.MaxLimit);
        var offset = q.Integer("offset", 0, 0, long.MaxValue / 2);
        CustomerIds.Check(customerId, q.Errors);
        var input = new DeriveBalance.Input(customerId, startingBalance, limit, offset, q.Scope(), q.Errors);
        return Envelope.From(await handler.HandleAsync(ApiCaller.Of(http), input, ct), view => Envelope.Ok(view));
    }
}
