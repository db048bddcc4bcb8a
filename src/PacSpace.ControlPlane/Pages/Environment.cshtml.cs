using Microsoft.AspNetCore.Mvc;
using PacSpace.ControlPlane.Features.Auth;
using PacSpace.ControlPlane.Features.Environments;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Pages;

/// <summary>The header toggle posts here: the same preference as <c>PATCH /dashboard/auth/preferences</c>, saved on the user.</summary>
public sealed class EnvironmentModel : SignedInPage
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync(string? environment, string? returnUrl, CancellationToken ct)
    {
        var back = LocalUrl.Or(returnUrl, "/");
        if (environment is null || !PacSpaceEnvironments.CurrentNames.TryGetValue(environment, out var env))
        {
            ShowError(Error.Validation("environment", $"must be one of {PacSpaceEnvironments.SandboxName}, {PacSpaceEnvironments.ProductionName}"));
            return Redirect(back);
        }

        var saved = await this.Service<UpdatePreferences>().HandleAsync(Actor.Page(HttpContext), new UpdatePreferences.Input(env), ct);
        if (!saved.IsSuccess)
        {
            ShowError(saved.Error!);
            return Redirect(saved.Error!.Code == ErrorCodes.PlanUpgradeRequired ? "/settings#plan" : "/settings#production");
        }

        Flash = env == PacSpaceEnvironment.Production ? "Switched to Production: you are working with live data." : "Switched to Sandbox.";
        return Redirect(back);
    }
}
