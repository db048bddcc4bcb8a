using PacSpace.ControlPlane.Features.Billing;
using PacSpace.ControlPlane.Features.Environments;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>
/// The environment the user works in (<c>PATCH /dashboard/auth/preferences</c> and the header toggle). Production can
/// be preferred only while it is active; the preference lives on the user, so every device sees it.
/// </summary>
internal sealed class UpdatePreferences(Database db, UserStore users)
{
    public sealed record Input(PacSpaceEnvironment PreferredEnvironment);

    public sealed record PreferencesView(string PreferredEnvironment);

    public async Task<Result<PreferencesView>> HandleAsync(Actor actor, Input input, CancellationToken ct)
    {
        var env = input.PreferredEnvironment;
        await using var connection = await db.OpenAsync(ct);
        if (env == PacSpaceEnvironment.Production)
        {
            if (!await Plans.TenantAllowsProductionAsync(connection, actor.TenantId, ct))
            {
                return ProvisionEnvironment.ProductionNeedsPaidPlan();
            }

            var row = await EnvironmentStore.GetAsync(connection, actor.TenantId, env, ct);
            if (row?.Status != Vocabulary.Active)
            {
                return new Error(409, ErrorCodes.EnvironmentNotActive,
                    $"Production is not active (status: {row?.Status ?? Vocabulary.None}). Activate it first (Settings, or POST /dashboard/environments/provision) and wait until it is active.");
            }
        }

        var name = env.Name();
        await users.SetPreferredEnvironmentAsync(connection, actor.UserId!, name, ct);
        return new PreferencesView(name);
    }
}
