using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Features.Auth;

namespace PacSpace.ControlPlane.Pages;

/// <summary>The login form: the same check, lockout and session as <c>POST /dashboard/auth/login</c>, and its per-IP limit.</summary>
[EnableRateLimiting(ControlPlaneModule.LoginPolicy)]
public sealed class LoginModel(IOptions<AuthOptions> options) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool LoggedOut { get; set; }

    public string? Email { get; private set; }

    public string? Error { get; private set; }

    public IActionResult OnGet() => User.IsCookieAuthenticated() ? Redirect(LocalUrl.Or(ReturnUrl, "/")) : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Email = Request.Form["email"];
        var input = LogIn.Parse(FormFields.Read(Request.Form, "email", "password"), HttpContext.Connection.RemoteIpAddress?.ToString());
        var signedIn = input.IsSuccess ? await this.Service<LogIn>().HandleAsync(input.Value with { UserAgent = Request.Headers.UserAgent.ToString() }, ct) : input.Error!;
        if (!signedIn.IsSuccess)
        {
            Error = SignedInPage.Describe(signedIn.Error!);
            Response.StatusCode = signedIn.Error!.Status;
            return Page();
        }

        SessionCookie.Append(HttpContext, options.Value, signedIn.Value.SessionToken, signedIn.Value.ExpiresAt);
        return Redirect(LocalUrl.Or(ReturnUrl, "/"));
    }
}
