using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Features.Auth;
using PacSpace.Hosting.Data;

namespace PacSpace.ControlPlane.Pages;

/// <summary>The login form: the same check, lockout and session as <c>POST /dashboard/auth/login</c>, and its per-IP limit.</summary>
[EnableRateLimiting(ControlPlaneModule.LoginPolicy)]
public sealed class LoginModel(Database db, IOptions<AuthOptions> options, TimeProvider time) : PageModel
{
    private Passwords passwords => this.Service<Passwords>();

    private JwtIssuer jwt => this.Service<JwtIssuer>();

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
        var credentials = Features.Auth.Login.Parse(FormFields.Read(Request.Form, "email", "password"));
        var signedIn = credentials.IsSuccess
            ? await Features.Auth.Login.SignInAsync(HttpContext, credentials.Value.Email, credentials.Value.Password, db, passwords, jwt, options, time, ct)
            : credentials.Error!;
        if (!signedIn.IsSuccess)
        {
            Error = SignedInPage.Describe(signedIn.Error!);
            Response.StatusCode = signedIn.Error!.Status;
            return Page();
        }

        return Redirect(LocalUrl.Or(ReturnUrl, "/"));
    }
}
