using System.Data.Common;
using Dapper;

namespace PacSpace.Dashboard.Features.Billing;

internal sealed record Plan(string Tier, long? MonthlyAllotment, decimal? PriceUsd, decimal? OveragePriceUsd, bool ProductionAllowed);

/// <summary>The public price list. Enterprise is priced per contract, hence the nulls.</summary>
internal static class Plans
{
    public const string Free = "free";

    public static readonly IReadOnlyList<Plan> All =
    [
        new(Free, 100, 0m, null, false),
        new("pilot", 10_000, 1_000m, 0.020m, true),
        new("starter", 100_000, 3_000m, 0.012m, true),
        new("growth", 500_000, 8_000m, 0.010m, true),
        new("scale", 2_000_000, 15_000m, 0.008m, true),
        new("enterprise", null, null, null, true),
    ];

    public static readonly IReadOnlyDictionary<string, string> Tiers = All.ToDictionary(p => p.Tier, p => p.Tier, StringComparer.Ordinal);

    public static readonly string TierList = string.Join(", ", All.Select(p => p.Tier));

    public static readonly string PaidTierList = string.Join(", ", All.Where(p => p.ProductionAllowed).Select(p => p.Tier));

    public static Plan Get(string tier) => All.First(p => p.Tier == tier);

    public static bool AllowsProduction(string tier) => Get(tier).ProductionAllowed;

    /// <summary>Whether the tenant's current plan unlocks Production (false for an unknown tenant).</summary>
    public static async Task<bool> TenantAllowsProductionAsync(DbConnection connection, string tenantId, CancellationToken cancellationToken)
    {
        var plan = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "SELECT plan FROM tenants WHERE id = @tenantId", new { tenantId }, cancellationToken: cancellationToken));
        return plan is not null && AllowsProduction(plan);
    }
}
