using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using PacSpace.ControlPlane.Features.Auth;

namespace PacSpace.ControlPlane.Pages;

/// <summary>
/// Where the reset mail's link lands: opening it uses nothing; the form posts the token with the new password, used
/// exactly like <c>POST /dashboard/auth/reset-password</c>.
/// </summary>
[EnableRateLimiting(ControlPlaneModule.LoginPolicy)]
public sealed class ResetPasswordModel : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    public bool Done { get; private set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var input = ResetPassword.Parse(FormFields.Read(Request.Form, "token", "newPassword"));
        var reset = input.IsSuccess
            ? await this.Service<ResetPassword>().HandleAsync(input.Value, ActorOrigin.Page, HttpContext.Connection.RemoteIpAddress?.ToString(), ct)
            : input.Error!;
        if (!reset.IsSuccess)
        {
            Error = SignedInPage.Describe(reset.Error!);
            Response.StatusCode = reset.Error!.Status;
            return Page();
        }

        Done = true;
        return Page();
    }
}
