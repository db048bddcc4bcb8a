using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using PacSpace.ControlPlane.Features.Auth;

namespace PacSpace.ControlPlane.Pages;

/// <summary>Asks for a password reset mail, like <c>POST /dashboard/auth/forgot-password</c>: the same answer for every address.</summary>
[EnableRateLimiting(ControlPlaneModule.LoginPolicy)]
public sealed class ForgotPasswordModel : PageModel
{
    public string? Error { get; private set; }

    public string? SentTo { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var input = RequestPasswordReset.Parse(FormFields.Read(Request.Form, "email"));
        if (!input.IsSuccess)
        {
            Error = SignedInPage.Describe(input.Error!);
            Response.StatusCode = input.Error!.Status;
            return Page();
        }

        await this.Service<RequestPasswordReset>().HandleAsync(input.Value, ct);
        SentTo = input.Value.Email;
        return Page();
    }
}
