using PacSpace.Contracts.Plans;
using PacSpace.Contracts.Reads;
using PacSpace.ControlPlane.Features.Billing;
using PacSpace.ControlPlane.Planes;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Features.Ledger;

/// <summary>
/// What the tenant's plan allows in one environment and what is used, with the month's deltas day by day from the plane. The
/// same rules as the Balance API's usage: a free tenant's cap counts every delta of its lifetime (Sandbox); on a paid plan
/// Production counts the VERIFIED deltas of the current UTC month against the plan's allotment (overage is counted, never
/// refused) and Sandbox is unmetered.
/// </summary>
internal sealed class GetUsage(Database db, PlaneReads reads)
{
    public sealed record Input(PacSpaceEnvironment Environment);

    /// <param name="Lifetime">The figures count the tenant's whole life (the free plan's cap), not the month.</param>
    /// <param name="Allowed">The cap or allotment; null when nothing is counted against one (Sandbox on a paid plan, enterprise).</param>
    public sealed record Output(
        string Plan,
        PacSpaceEnvironment Environment,
        bool Lifetime,
        bool Metered,
        long? Allowed,
        long Used,
        long? Remaining,
        long Overage,
        MonthUsage Month);

    public async Task<Result<Output>> HandleAsync(Actor actor, Input input, CancellationToken ct)
    {
        string tier;
        await using (var connection = await db.OpenAsync(ct))
        {
            tier = await TenantStore.PlanOfAsync(connection, null, actor.TenantId, ct) ?? Plans.Free;
        }

        var month = await reads.AskAsync<MonthUsage>(actor, input.Environment, LedgerReads.Of(input.Environment, "usage figures"), ReadRoutes.Usage(actor.TenantId), [], ct);
        if (!month.IsSuccess)
        {
            return month.Error!;
        }

        var m = month.Value;
        var plan = PlanCatalog.Get(tier);
        if (plan.Tier == PlanCatalog.Free)
        {
            var cap = PlanCatalog.FreeLifetimeDeltas;
            return new Output(plan.Tier, input.Environment, true, true, cap, m.LifetimeDeltas, Math.Max(0, cap - m.LifetimeDeltas), 0, m);
        }

        return input.Environment == PacSpaceEnvironment.Production && plan.MonthlyAllotment is long allotment
            ? new Output(plan.Tier, input.Environment, false, true, allotment, m.Verified, Math.Max(0, allotment - m.Verified), Math.Max(0, m.Verified - allotment), m)
            : new Output(plan.Tier, input.Environment, false, false, null, m.Verified, null, 0, m);
    }
}
