using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Features.Auth;
using PacSpace.ControlPlane.Features.Billing;
using PacSpace.ControlPlane.Features.Environments;
using PacSpace.ControlPlane.Planes;
using PacSpace.Hosting.Data;

namespace PacSpace.ControlPlane.Pages;

/// <summary>What the header of every signed-in page shows: who, which plan, both environments, the one in use.</summary>
internal sealed record Shell(
    MeView Me,
    Plan Plan,
    BillingMode BillingMode,
    IReadOnlyDictionary<PacSpaceEnvironment, EnvironmentRow> Environments,
    PacSpaceEnvironment Current,
    string SandboxUrl,
    string ProductionUrl)
{
    public bool ProductionAllowed => Plan.ProductionAllowed;

    public string Status(PacSpaceEnvironment env) => Environments.TryGetValue(env, out var row) ? row.Status : Vocabulary.None;

    public bool IsSandbox => Current == PacSpaceEnvironment.Sandbox;

    /// <summary>The signed-in user's shell, or null when the session's user no longer exists.</summary>
    public static async Task<Shell?> LoadAsync(Microsoft.AspNetCore.Http.HttpContext http, CancellationToken ct)
    {
        var services = http.RequestServices;
        var db = services.GetRequiredService<Database>();
        var environments = services.GetRequiredService<EnvironmentStore>();
        var planes = services.GetRequiredService<PlaneClient>();
        var billing = services.GetRequiredService<IOptions<BillingOptions>>().Value;
        MeView? me;
        await using (var connection = await db.OpenAsync(ct))
        {
            me = await UserStore.LoadMeAsync(connection, http.User.UserIdOf(), ct);
        }

        if (me is null)
        {
            return null;
        }

        var rows = await environments.ByEnvironmentAsync(me.TenantId, ct);
        var plan = Plans.Get(me.Tenant.Plan);

        // The preference is kept as saved; the pages show Production only while it can actually be used.
        var preferred = PacSpaceEnvironments.FromStored(me.PreferredEnvironment);
        var current = preferred == PacSpaceEnvironment.Production && plan.ProductionAllowed
            && rows.TryGetValue(PacSpaceEnvironment.Production, out var production) && production.Status == Vocabulary.Active
            ? PacSpaceEnvironment.Production
            : PacSpaceEnvironment.Sandbox;
        return new Shell(me, plan, billing.Mode, rows, current, planes.PublicUrl(PacSpaceEnvironment.Sandbox), planes.PublicUrl(PacSpaceEnvironment.Production));
    }
}
