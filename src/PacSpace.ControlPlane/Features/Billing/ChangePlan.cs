using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Features.ApiKeys;
using PacSpace.ControlPlane.Features.Audit;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Features.Billing;

/// <summary>
/// Moves the actor's tenant to another plan: <c>POST /dashboard/billing/plan</c>, the Settings page and
/// <c>pacspace tenants set-plan</c>. The change, the keys' re-delivery and the audit entry commit together;
/// downgrading never deletes data.
/// </summary>
internal sealed class ChangePlan(Database db, TenantStore tenants, ApiKeyStore apiKeys, AuditStore audit, IOptions<BillingOptions> options, TimeProvider time)
{
    public const string AuditAction = "plan.changed";

    public sealed record Input(string Tier);

    public async Task<Result<PlanView>> HandleAsync(Actor actor, Input input, CancellationToken ct)
    {
        if (!Plans.Tiers.ContainsKey(input.Tier))
        {
            return Error.Validation("tier", $"must be one of {Plans.TierList}");
        }

        // In operator billing mode users cannot change their plan; the operator's command is how it is done there.
        var mode = options.Value.Mode;
        if (mode != BillingMode.SelfServe && actor.Origin != ActorOrigin.Operator)
        {
            return new Error(403, ErrorCodes.SelfServeDisabled,
                "Plan changes are handled by our team on this installation. Contact your PacSpace operator.");
        }

        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var from = await TenantStore.PlanOfAsync(connection, tx, actor.TenantId, ct);
        if (from is null || !await tenants.SetPlanAsync(connection, tx, actor.TenantId, input.Tier, time.GetUtcNow().ToUnixTimeMilliseconds(), ct))
        {
            return Error.NotFound("tenant");
        }

        // The plan sets each key's rate limit on the planes: the key-sync worker re-delivers them.
        await apiKeys.QueueTenantRedeliveryAsync(connection, tx, actor.TenantId, ct);
        await audit.WriteAsync(connection, tx, actor, AuditAction, actor.TenantId, new { from, to = input.Tier }, ct);
        await tx.CommitAsync(ct);
        return PlanView.Of(input.Tier, mode);
    }
}
