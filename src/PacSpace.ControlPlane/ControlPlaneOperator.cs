using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PacSpace.ControlPlane.Features.Access;
using PacSpace.ControlPlane.Features.Auth;
using PacSpace.ControlPlane.Features.Billing;
using PacSpace.Hosting.Data;

namespace PacSpace.ControlPlane;

/// <summary>
/// The operator commands (<c>pacspace tenants set-plan</c>, <c>pacspace access approve</c>) run against the control
/// database, beside a running host or without one. They resolve the host's own handlers from the host's own
/// registrations, so a plan change is validated and audited exactly as from the API, with the actor "operator".
/// </summary>
public static class ControlPlaneOperator
{
    /// <summary>Moves a tenant, named by its id or the e-mail of one of its users, to <paramref name="tier"/>.</summary>
    public static async Task<OperatorOutcome> SetPlanAsync(IConfiguration config, Database db, string tenantOrEmail, string tier, CancellationToken ct)
    {
        await using var services = Build(config, db);
        var tenantId = await FindTenantAsync(services, db, tenantOrEmail, ct);
        if (tenantId is null)
        {
            return new OperatorOutcome(false, $"No tenant with id or user e-mail '{tenantOrEmail}'.");
        }

        var changed = await services.GetRequiredService<ChangePlan>().HandleAsync(Actor.Operator(tenantId), new ChangePlan.Input(tier), ct);
        return changed.IsSuccess
            ? new OperatorOutcome(true, $"{tenantId} is now on {changed.Value.Tier}.")
            : new OperatorOutcome(false, changed.Error!.Message);
    }

    /// <summary>Issues a single-use approval token for <paramref name="email"/> and e-mails it (registration mode "approval").</summary>
    public static async Task<OperatorOutcome> ApproveAccessAsync(IConfiguration config, Database db, string email, CancellationToken ct)
    {
        await using var services = Build(config, db);
        var approved = await services.GetRequiredService<ApproveAccess>().HandleAsync(new ApproveAccess.Input(email), ct);
        return new OperatorOutcome(true, $"Approved {email}. Approval token (single use, also e-mailed): {approved.Token}");
    }

    private static ServiceProvider Build(IConfiguration config, Database db)
    {
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        // The caller owns the database; a container never disposes an instance it was handed.
        services.AddSingleton(db);
        services.AddLogging(b => b.AddConfiguration(config.GetSection("Logging")).AddSimpleConsole(o => o.SingleLine = true));
        services.AddControlPlaneServices(config);
        return services.BuildServiceProvider();
    }

    private static async Task<string?> FindTenantAsync(IServiceProvider services, Database db, string tenantOrEmail, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await TenantStore.ExistsAsync(connection, tenantOrEmail, ct)
            ? tenantOrEmail
            : await services.GetRequiredService<UserStore>().TenantIdOfAsync(connection, Secrets.NormalizeEmail(tenantOrEmail), ct);
    }
}
