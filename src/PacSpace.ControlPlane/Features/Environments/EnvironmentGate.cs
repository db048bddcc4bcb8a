using System.Data.Common;
using PacSpace.ControlPlane.Features.Billing;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Features.Environments;

/// <summary>Whether something may be created in an environment: Production needs a paid plan, and either environment must be active.</summary>
internal static class EnvironmentGate
{
    /// <param name="what">What is asked for in <paramref name="env"/>, as the subject of the answer: <c>Live keys</c>, <c>Production webhook endpoints</c>.</param>
    /// <returns>Null when allowed; else <c>403 PLAN_UPGRADE_REQUIRED</c> or <c>409 ENVIRONMENT_NOT_ACTIVE</c>.</returns>
    public static async Task<Error?> CheckAsync(DbConnection connection, string tenantId, PacSpaceEnvironment env, string what, CancellationToken ct)
    {
        if (env == PacSpaceEnvironment.Production && !await Plans.TenantAllowsProductionAsync(connection, tenantId, ct))
        {
            return new Error(403, ErrorCodes.PlanUpgradeRequired,
                $"{what} need Production, which needs a paid plan ({Plans.PaidTierList}). Upgrade under Settings → Plan, then activate Production.");
        }

        var row = await EnvironmentStore.GetAsync(connection, tenantId, env, ct);
        if (row?.Status == Vocabulary.Active)
        {
            return null;
        }

        var label = env.Name();
        return new Error(409, ErrorCodes.EnvironmentNotActive,
            $"{what} need the {label} environment to be active; it is {row?.Status ?? Vocabulary.None}. "
            + $"Activate it with POST /dashboard/environments/provision {{\"environment\":\"{label}\"}} and try again once it is active.");
    }
}
