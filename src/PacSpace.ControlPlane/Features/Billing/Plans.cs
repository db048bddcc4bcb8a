using System.Data.Common;
using PacSpace.Contracts.Plans;

namespace PacSpace.ControlPlane.Features.Billing;

/// <summary>The public price list (<see cref="PlanCatalog"/>) as the control plane uses it.</summary>
internal static class Plans
{
    public const string Free = PlanCatalog.Free;

    public static readonly IReadOnlyList<Plan> All =
        PlanCatalog.All.Select(p => new Plan(p.Tier, p.MonthlyAllotment, p.PriceUsd, p.OveragePriceUsd, p.ProductionAllowed)).ToList();

    public static readonly IReadOnlyDictionary<string, string> Tiers = All.ToDictionary(p => p.Tier, p => p.Tier, StringComparer.Ordinal);

    public static readonly string TierList = string.Join(", ", All.Select(p => p.Tier));

    public static readonly string PaidTierList = string.Join(", ", All.Where(p => p.ProductionAllowed).Select(p => p.Tier));

    public static Plan Get(string tier) => All.First(p => p.Tier == tier);

    public static bool AllowsProduction(string tier) => Get(tier).ProductionAllowed;

    /// <summary>Whether the tenant's current plan unlocks Production (false for an unknown tenant).</summary>
    public static async Task<bool> TenantAllowsProductionAsync(DbConnection connection, string tenantId, CancellationToken cancellationToken) =>
        await TenantStore.PlanOfAsync(connection, null, tenantId, cancellationToken) is { } plan && AllowsProduction(plan);
}
