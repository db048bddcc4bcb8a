namespace PacSpace.Contracts.Plans;

/// <summary>A plan of the public price list.</summary>
/// <param name="MonthlyAllotment">Production deltas included per calendar month (UTC); null = by contract. On free: the lifetime Sandbox cap.</param>
public sealed record PlanInfo(string Tier, long? MonthlyAllotment, decimal? PriceUsd, decimal? OveragePriceUsd, bool ProductionAllowed);

/// <summary>The price list, shared by the control plane (plans, billing) and the planes (usage). Enterprise is priced per contract.</summary>
public static class PlanCatalog
{
    public const string Free = "free";

    /// <summary>Verified deltas a free tenant may record in its lifetime (Sandbox).</summary>
    public const long FreeLifetimeDeltas = 100;

    public static readonly IReadOnlyList<PlanInfo> All =
    [
        new(Free, FreeLifetimeDeltas, 0m, null, false),
        new("pilot", 10_000, 1_000m, 0.020m, true),
        new("starter", 100_000, 3_000m, 0.012m, true),
        new("growth", 500_000, 8_000m, 0.010m, true),
        new("scale", 2_000_000, 15_000m, 0.008m, true),
        new("enterprise", null, null, null, true),
    ];

    /// <summary>The plan of a tier; an unknown tier (never stored) reads as free.</summary>
    public static PlanInfo Get(string tier) => All.FirstOrDefault(p => p.Tier == tier) ?? All[0];
}
