using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Features.Auth;
using PacSpace.ControlPlane.Features.Billing;
using PacSpace.ControlPlane.Features.Environments;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Pages;

/// <summary>Plan (self-serve change or "contact us") and Production activation with live progress and retry.</summary>
public sealed class SettingsModel(Database db, IOptions<BillingOptions> billing, TimeProvider time) : SignedInPage
{
    private ProvisionEnvironment provision => this.Service<ProvisionEnvironment>();

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostPlanAsync(CancellationToken ct)
    {
        var tier = Request.Form["tier"].ToString();
        if (billing.Value.Mode != BillingMode.SelfServe)
        {
            FlashError = "Plan changes are handled by our team on this installation. Contact us.";
        }
        else if (!Plans.Tiers.ContainsKey(tier))
        {
            ShowError(Error.Validation("tier", $"must be one of {Plans.TierList}"));
        }
        else
        {
            var changed = await PlanEndpoints.SetPlanAsync(db, User.TenantIdOf(), tier, time, ct);
            if (changed.IsSuccess)
            {
                Flash = Plans.AllowsProduction(tier) ? $"Plan changed to {tier}. Production is unlocked." : $"Plan changed to {tier}.";
            }
            else
            {
                ShowError(changed.Error!);
            }
        }

        return Redirect("/settings#plan");
    }

    public async Task<IActionResult> OnPostActivateAsync(CancellationToken ct)
    {
        var outcome = await provision.HandleAsync(Actor.Page(HttpContext), new ProvisionEnvironment.Input(PacSpaceEnvironment.Production), ct);
        if (!outcome.IsSuccess)
        {
            ShowError(outcome.Error!);
        }
        else if (outcome.Value.Started)
        {
            Flash = "Production activation started.";
        }

        return Redirect("/settings#production");
    }
}
