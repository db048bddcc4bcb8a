using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using PacSpace.ControlPlane.Features.Auth;

namespace PacSpace.ControlPlane.Pages;

/// <summary>
/// Where the verification mail's link lands. Opening it changes nothing (a mail scanner that follows links uses no
/// token); its button posts the token, which is used exactly like <c>POST /dashboard/auth/verify</c>.
/// </summary>
[EnableRateLimiting(ControlPlaneModule.LoginPolicy)]
public sealed class VerifyEmailModel : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    public bool Verified { get; private set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await this.Service<VerifyEmail>().HandleAsync(new VerifyEmail.Input(Token), ct);
        Verified = result.IsSuccess;
        if (!result.IsSuccess)
        {
            Error = "This verification link is unknown, already used or expired. Log in to ask for a new one, or sign up again.";
            Response.StatusCode = 400;
        }

        return Page();
    }
}
