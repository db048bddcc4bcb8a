using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Features.Auth;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Billing;

internal static class PlanEndpoints
{
    public sealed record PlanView(string Tier, long? MonthlyAllotment, decimal? PlanPriceUsd, decimal? OveragePriceUsd, bool ProductionAllowed, string Mode);

    public sealed record ChangeRequest(string Tier);

    public static void Map(RouteGroupBuilder dashboard)
    {
        var billing = dashboard.MapGroup("/billing").WithTags("Billing");
        billing.MapGet("/plan", GetAsync).Produces<PlanView>();
        billing.MapPost("/plan", ChangeAsync).AcceptsJson<ChangeRequest>().Produces<PlanView>();
    }

    private static async Task<IResult> GetAsync(HttpContext http, Database db, IOptions<BillingOptions> options, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var tier = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "SELECT plan FROM tenants WHERE id = @id", new { id = http.User.TenantIdOf() }, cancellationToken: ct));
        return tier is null ? Envelope.Fail(Error.NotFound("tenant")) : Envelope.Ok(View(tier, options.Value.Mode));
    }

    private static async Task<IResult> ChangeAsync(HttpContext http, Database db, IOptions<BillingOptions> options, TimeProvider time, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(http.Request, ct);
        if (!body.IsSuccess)
        {
            return Envelope.Fail(body.Error!);
        }

        var tier = body.Value.String("tier", required: true, 1, 32);
        if (tier is not null && !Plans.Tiers.ContainsKey(tier))
        {
            body.Value.Add("tier", $"must be one of {Plans.TierList}");
        }

        if (body.Value.HasErrors)
        {
            return Envelope.Fail(body.Value.ToError());
        }

        if (options.Value.Mode != BillingMode.SelfServe)
        {
            return Envelope.Fail(new Error(403, ErrorCodes.SelfServeDisabled,
                "Plan changes are handled by our team on this installation. Contact your PacSpace operator."));
        }

        var result = await SetPlanAsync(db, http.User.TenantIdOf(), tier!, time, ct);
        return Envelope.From(result, t => Envelope.Ok(View(t, options.Value.Mode), 200, $"Plan changed to {t}."));
    }

    /// <summary>Used by the route above and by <c>pacspace tenants set-plan</c>. Downgrading never deletes data.</summary>
    public static async Task<Result<string>> SetPlanAsync(Database db, string tenantId, string tier, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE tenants SET plan = @tier, plan_changed_at = @now WHERE id = @tenantId",
            new { tier, now, tenantId }, tx, cancellationToken: ct));
        if (changed != 1)
        {
            return Error.NotFound("tenant");
        }

        // The plan sets each key's rate limit on the planes: the key-sync worker re-delivers them.
        await new ApiKeys.ApiKeyStore(db, time).QueueTenantRedeliveryAsync(connection, tx, tenantId, ct);
        await tx.CommitAsync(ct);
        return tier;
    }

    private static PlanView View(string tier, BillingMode mode)
    {
        var p = Plans.Get(tier);
        return new PlanView(p.Tier, p.MonthlyAllotment, p.PriceUsd, p.OveragePriceUsd, p.ProductionAllowed,
            mode == BillingMode.SelfServe ? "self-serve" : "operator");
    }
}
