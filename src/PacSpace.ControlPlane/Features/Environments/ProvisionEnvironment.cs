using Dapper;
using PacSpace.ControlPlane.Features.Billing;
using PacSpace.ControlPlane.Provisioning;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Features.Environments;

internal sealed record ProvisionOutcome(EnvironmentRow Row, bool Started);

/// <summary>
/// Starts an activation, shared by both API generations and the dashboard pages. Idempotent by construction:
/// only a row in <c>none</c> or <c>failed</c> moves to <c>activating</c>, in one conditional UPDATE, so fifty
/// concurrent calls start exactly one activation.
/// </summary>
internal sealed class ProvisionEnvironment(Database db, ProvisioningSignal signal, TimeProvider time)
{
    public async Task<Result<ProvisionOutcome>> HandleAsync(string tenantId, string userId, PacSpaceEnvironment env, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        if (env == PacSpaceEnvironment.Production && !await Plans.TenantAllowsProductionAsync(connection, tenantId, cancellationToken))
        {
            return ProductionNeedsPaidPlan();
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var started = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE environments
            SET status = 'activating', requested_by = @userId, requested_at = @now, activations = activations + 1, attempts = 0,
                next_attempt_at = @now, lease_owner = NULL, lease_until = NULL, updated_at = @now
            WHERE tenant_id = @tenantId AND environment = @env AND status IN ('none', 'failed')
            """, new { userId, now, tenantId, env = env.Name() }, cancellationToken: cancellationToken)) == 1;
        if (started)
        {
            signal.Notify();
        }

        var row = await EnvironmentRows.GetAsync(connection, tenantId, env, cancellationToken);
        return row is null ? Error.NotFound("environment") : new ProvisionOutcome(row, started);
    }

    public static Error ProductionNeedsPaidPlan() => new(403, ErrorCodes.PlanUpgradeRequired,
        $"Production needs a paid plan ({Plans.PaidTierList}). Upgrade under Settings → Plan, then activate Production.");
}
