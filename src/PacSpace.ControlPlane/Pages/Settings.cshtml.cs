using Microsoft.AspNetCore.Mvc;
using PacSpace.ControlPlane.Features.Auth;
using PacSpace.ControlPlane.Features.Billing;
using PacSpace.ControlPlane.Features.Environments;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Pages;

/// <summary>Plan (self-serve change or "contact us") and Production activation with live progress and retry.</summary>
public sealed class SettingsModel : SignedInPage
{
    private ProvisionEnvironment provision => this.Service<ProvisionEnvironment>();

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostPlanAsync(CancellationToken ct)
    {
        var tier = Request.Form["tier"].ToString();
        var changed = await this.Service<ChangePlan>().HandleAsync(Actor.Page(HttpContext), new ChangePlan.Input(tier), ct);
        if (changed.IsSuccess)
        {
            Flash = changed.Value.ProductionAllowed ? $"Plan changed to {tier}. Production is unlocked." : $"Plan changed to {tier}.";
        }
        else if (changed.Error!.Code == ErrorCodes.SelfServeDisabled)
        {
            FlashError = "Plan changes are handled by our team on this installation. Contact us.";
        }
        else
        {
            ShowError(changed.Error!);
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
