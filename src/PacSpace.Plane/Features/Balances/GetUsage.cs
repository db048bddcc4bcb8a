using System.Globalization;
using Microsoft.Extensions.Options;
using PacSpace.Contracts.Plans;
using PacSpace.Hosting.Data;
using PacSpace.Ledger;
using PacSpace.Plane.Features.Deltas;
using PacSpace.Plane.Features.Keys;
using PacSpace.Plane.Features.Records;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Balances;

/// <summary>
/// What the plan allows and what is used. Free tenants: the lifetime Sandbox cap (every accepted delta counts, as the
/// writer counts them). Paid plans: Sandbox is unmetered (the month's count is shown); Production counts VERIFIED
/// deltas of the current UTC month against the plan's allotment, and what goes beyond is overage.
/// </summary>
internal sealed class GetUsage(Database db, EntryIds ids, IOptions<PlaneOptions> options, TimeProvider time)
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

    public async Task<UsageView> HandleAsync(ApiCaller caller, CancellationToken ct)
    {
        var plan = PlanCatalog.Get(caller.Plan);
        var production = options.Value.Environment == PacSpaceEnvironment.Production;
        var environment = options.Value.EnvironmentName;
        var now = time.GetUtcNow();
        var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        await using var connection = await db.OpenAsync(ct);
        var log = await TenantLedgerStore.ScopeAsync(connection, ids, caller.TenantId, ct);
        // Deltas only: the log's record entries (Records API) are neither counted nor capped.
        var pending = log.Unsigned - (log.LedgerNo < 0 ? 0 : await RecordStore.CountInRangeAsync(connection, log.LedgerNo, log.TreeSize, log.NextIndex, ct));

        if (plan.Tier == PlanCatalog.Free)
        {
            // Every delta the log holds, signed or not, as the writer counts them.
            var used = log.Deltas;
            var allowed = PlanCatalog.FreeLifetimeDeltas;
            return new UsageView(plan.Tier, environment, "lifetime", true, allowed, used, Math.Max(0, allowed - used), 0, pending, used < allowed);
        }

        // The month is a range of the log: entries are appended in time order.
        var (from, to) = (await DeltaStore.SizeBeforeAsync(connection, log, monthStart.ToUnixTimeMilliseconds(), ct),
            await DeltaStore.SizeBeforeAsync(connection, log, monthStart.AddMonths(1).ToUnixTimeMilliseconds(), ct));
        var verified = to - from - (log.LedgerNo < 0 ? 0 : await RecordStore.CountInRangeAsync(connection, log.LedgerNo, from, to, ct));
        var period = monthStart.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        if (!production || plan.MonthlyAllotment is not long allotment)
        {
            return new UsageView(plan.Tier, environment, period, false, null, verified, null, 0, pending, true);
        }

        return new UsageView(plan.Tier, environment, period, true, allotment, verified, Math.Max(0, allotment - verified), Math.Max(0, verified - allotment), pending, true);
    }
}
