using PacSpace.ControlPlane.Features.Audit;
using PacSpace.ControlPlane.Features.Billing;
using PacSpace.ControlPlane.Jobs;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Features.Environments;

/// <summary>
/// Starts an activation, shared by both API generations and the dashboard pages. Idempotent by construction:
/// only a row in <c>none</c> or <c>failed</c> moves to <c>activating</c>, in one conditional UPDATE, so fifty
/// concurrent calls start exactly one activation.
/// </summary>
internal sealed class ProvisionEnvironment(Database db, EnvironmentStore environments, AuditStore audit, JobSignal<ProvisioningJob> signal)
{
    /// <summary>Audited when a call starts an activation (not when it finds one running or done).</summary>
    public const string AuditAction = "environment.activation_started";

    public sealed record Input(PacSpaceEnvironment Environment);

    /// <param name="Row">The environment after the call.</param>
    /// <param name="Started">False when it was already activating or active.</param>
    public sealed record Output(EnvironmentRow Row, bool Started);

    public async Task<Result<Output>> HandleAsync(Actor actor, Input input, CancellationToken cancellationToken)
    {
        if (input.Environment == PacSpaceEnvironment.Production)
        {
            await using var connection = await db.OpenAsync(cancellationToken);
            if (!await Plans.TenantAllowsProductionAsync(connection, actor.TenantId, cancellationToken))
            {
                return ProductionNeedsPaidPlan();
            }
        }

        bool started;
        EnvironmentRow? row;
        await using (var connection = await db.OpenAsync(cancellationToken))
        {
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            started = await environments.StartActivationAsync(connection, tx, actor.TenantId, actor.UserId, input.Environment, cancellationToken);
            if (started)
            {
                await audit.WriteAsync(connection, tx, actor, AuditAction, null, new { environment = input.Environment.Name() }, cancellationToken);
            }

            // The state this call left, read before the job is woken: a started activation answers "activating" however fast the job is.
            row = await EnvironmentStore.GetAsync(connection, actor.TenantId, input.Environment, cancellationToken, tx);
            await tx.CommitAsync(cancellationToken);
        }

        if (started)
        {
            signal.Notify();
        }

        return row is null ? Error.NotFound("environment") : new Output(row, started);
    }

    public static Error ProductionNeedsPaidPlan() => new(403, ErrorCodes.PlanUpgradeRequired,
        $"Production needs a paid plan ({Plans.PaidTierList}). Upgrade under Settings → Plan, then activate Production.");
}
