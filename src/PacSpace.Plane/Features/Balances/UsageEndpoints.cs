using Microsoft.AspNetCore.Builder;
using Dapper;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using PacSpace.Plane.Features.Deltas;
using PacSpace.Plane.Features.Keys;
using PacSpace.Plane.Features.Scopes;
using PacSpace.Contracts.Plans;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Web;
using PacSpace.Ledger;

namespace PacSpace.Plane.Features.Balances;

/// <summary><c>GET /api/v1/balance/usage</c> (what the plan allows and what is used) and <c>GET /limits</c> (the scope and input limits).</summary>
internal static class UsageEndpoints
{
    /// <param name="Allowed">The cap or allotment; null when nothing is counted against one (Sandbox on a paid plan, enterprise).</param>
    /// <param name="Remaining">What is left before the cap (free) or the allotment (Production); null when unlimited.</param>
    /// <param name="Overage">Production deltas beyond the month's allotment (counted, never refused).</param>
    public sealed record UsageView(
        string Plan,
        string Environment,
        string Period,
        bool Metered,
        long? Allowed,
        long Used,
        long? Remaining,
        long Overage,
        long Pending,
        bool WritesAllowed);

    public sealed record DeriveLimits(int DefaultLimit, int MaxLimit);

    public sealed record DeltaLimits(long MaxAbsDelta, int MaxReasonLength, int MaxCustomerIdLength, int MaxReferenceIdLength, int MaxMetadataBytes, int MaxBatchItems, long MaxBodyBytes);

    public sealed record LimitsView(
        int MaxScopeMonths,
        int MaxLastNDays,
        int? MaxRetentionDays,
        IReadOnlyList<string> TimePresets,
        IReadOnlyList<string> StartingCheckpointTypes,
        DeriveLimits Derive,
        DeltaLimits Delta,
        long FreePlanDeltas);

    public static void Map(RouteGroupBuilder balance)
    {
        balance.MapGet("/usage", UsageAsync).Produces<UsageView>();
        balance.MapGet("/limits", () => Envelope.Ok(Limits)).Produces<LimitsView>();
    }

    // Retention: deltas are kept for the life of the tenant, hence null.
    private static readonly LimitsView Limits = new(ScopeRules.MaxScopeMonths, ScopeRules.MaxLastNDays, null, ScopeRules.Presets, ScopeRules.CheckpointTypes,
        new DeriveLimits(DeriveEndpoints.DefaultLimit, DeriveEndpoints.MaxLimit),
        new DeltaLimits(NewDelta.MaxAmount, NewDelta.MaxReason, NewDelta.MaxCustomerId, NewDelta.MaxReferenceId, DeltaContent.MaxMetadataBytes, DeltaEndpoints.MaxBatchItems, JsonBody.MaxBytes),
        PlanCatalog.FreeLifetimeDeltas);

    /// <summary>
    /// Free tenants: the lifetime Sandbox cap (every accepted delta counts, as the writer counts them). Paid plans:
    /// Sandbox is unmetered (the month's count is shown); Production counts VERIFIED deltas of the current UTC month
    /// against the plan's allotment, and what goes beyond is overage.
    /// </summary>
    private static async Task<IResult> UsageAsync(HttpContext http, Database db, IOptions<PlaneOptions> options, TimeProvider time, CancellationToken ct)
    {
        var caller = http.Features.Get<ApiCaller>()!;
        var plan = PlanCatalog.Get(caller.Plan);
        var production = options.Value.Environment == PacSpaceEnvironment.Production;
        var now = time.GetUtcNow();
        var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var start = monthStart.ToUnixTimeMilliseconds();
        var end = monthStart.AddMonths(1).ToUnixTimeMilliseconds();
        await using var connection = await db.OpenAsync(ct);
        var pending = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM deltas WHERE tenant_id = @tenantId AND status = 'QUEUED'", new { tenantId = caller.TenantId }, cancellationToken: ct));

        if (plan.Tier == PlanCatalog.Free)
        {
            // Appended deltas from the customers' chain heads, plus the queued ones: no scan of the deltas table.
            var used = pending + await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COALESCE(SUM(last_seq), 0) FROM log_customers WHERE tenant_id = @tenantId", new { tenantId = caller.TenantId }, cancellationToken: ct));
            var allowed = PlanCatalog.FreeLifetimeDeltas;
            return Envelope.Ok(new UsageView(plan.Tier, options.Value.EnvironmentName, "lifetime", true, allowed, used, Math.Max(0, allowed - used), 0, pending,
                used < allowed));
        }

        var verified = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM deltas WHERE tenant_id = @tenantId AND recorded_at >= @start AND recorded_at < @end",
            new { tenantId = caller.TenantId, start, end }, cancellationToken: ct));
        var period = monthStart.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        if (!production || plan.MonthlyAllotment is not long allotment)
        {
            return Envelope.Ok(new UsageView(plan.Tier, options.Value.EnvironmentName, period, false, null, verified, null, 0, pending, true));
        }

        return Envelope.Ok(new UsageView(plan.Tier, options.Value.EnvironmentName, period, true, allotment, verified, Math.Max(0, allotment - verified),
            Math.Max(0, verified - allotment), pending, true));
    }
}
