using Microsoft.Extensions.Options;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Features.Billing;

/// <summary>The actor's tenant's plan and the installation's billing mode.</summary>
internal sealed class GetPlan(Database db, IOptions<BillingOptions> options)
{
    public async Task<Result<PlanView>> HandleAsync(Actor actor, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var tier = await TenantStore.PlanOfAsync(connection, null, actor.TenantId, ct);
        return tier is null ? Error.NotFound("tenant") : PlanView.Of(tier, options.Value.Mode);
    }
}
