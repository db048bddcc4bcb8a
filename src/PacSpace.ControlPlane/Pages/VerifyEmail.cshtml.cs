using Microsoft.AspNetCore.Mvc.RazorPages;
using PacSpace.ControlPlane.Features.Auth;

namespace PacSpace.ControlPlane.Pages;

/// <summary>Where the verification mail's link lands in a browser; it uses the token exactly like the API route.</summary>
public sealed class VerifyEmailModel : PageModel
{
    public bool Verified { get; private set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync(string? token, CancellationToken ct)
    {
        var result = await this.Service<VerifyEmail>().HandleAsync(new VerifyEmail.Input(token), ct);
        Verified = result.IsSuccess;
        if (!result.IsSuccess)
        {
            Error = "This verification link is unknown, already used or expired. Log in to ask for a new one, or sign up again.";
            Response.StatusCode = 400;
        }
    }
}
