using PacSpace.Contracts.Plans;
using PacSpace.Hosting.Web;
using PacSpace.Ledger;
using PacSpace.Plane.Features.Deltas;
using PacSpace.Plane.Features.Scopes;

namespace PacSpace.Plane.Features.Balances;

/// <summary>The scope and input limits of the Balance API (the same for every caller).</summary>
internal static class GetLimits
{
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

    // Retention: deltas are kept for the life of the tenant, hence null.
    public static LimitsView Limits { get; } = new(ScopeRules.MaxScopeMonths, ScopeRules.MaxLastNDays, null, ScopeRules.Presets, ScopeRules.CheckpointTypes,
        new DeriveLimits(DeriveBalance.DefaultLimit, DeriveBalance.MaxLimit),
        new DeltaLimits(NewDelta.MaxAmount, NewDelta.MaxReason, NewDelta.MaxCustomerId, NewDelta.MaxReferenceId, DeltaContent.MaxMetadataBytes, EmitDeltaBatch.MaxBatchItems, JsonBody.MaxBytes),
        PlanCatalog.FreeLifetimeDeltas);
}
