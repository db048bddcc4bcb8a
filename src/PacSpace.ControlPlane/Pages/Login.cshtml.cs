using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Features.Auth;

namespace PacSpace.ControlPlane.Pages;

/// <summary>The login form: the same checks, throttle and session as <c>POST /dashboard/auth/login</c>, its per-IP limit, and a second step for a code.</summary>
[EnableRateLimiting(ControlPlaneModule.LoginPolicy)]
public sealed class LoginModel(IOptions<AuthOptions> options) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool LoggedOut { get; set; }

    public string? Email { get; private set; }

    public string? Error { get; private set; }

    /// <summary>Set when the password was right and the account asks for a code: the form's second step.</summary>
    public string? Ticket { get; private set; }

    public IActionResult OnGet() => User.IsCookieAuthenticated() ? Redirect(LocalUrl.Or(ReturnUrl, "/")) : Page();

    public Task<IActionResult> OnPostAsync(CancellationToken ct) =>
        SignInAsync(LogIn.Parse(FormFields.Read(Request.Form, "email", "password", "code"), Address, Device), ct);

    public Task<IActionResult> OnPostCodeAsync(CancellationToken ct) =>
        SignInAsync(LogIn.ParseSecondStep(FormFields.Read(Request.Form, "email", "ticket", "code"), Address, Device), ct);

    private string? Address => HttpContext.Connection.RemoteIpAddress?.ToString();

    private string? Device => SessionCookie.DeviceOf(HttpContext, options.Value);

    private async Task<IActionResult> SignInAsync(Hosting.Errors.Result<LogIn.Input> input, CancellationToken ct)
    {
        Email = Request.Form["email"];
        var signedIn = input.IsSuccess ? await this.Service<LogIn>().HandleAsync(input.Value with { UserAgent = Request.Headers.UserAgent.ToString() }, ct) : input.Error!;
        if (!signedIn.IsSuccess)
        {
            Error = SignedInPage.Describe(signedIn.Error!);
            Response.StatusCode = signedIn.Error!.Status;
            Ticket = Request.Form["ticket"].ToString() is { Length: > 0 } ticket && signedIn.Error!.Status == 400 ? ticket : null;
            return Page();
        }

        if (signedIn.Value.Session is not { } session)
        {
            Ticket = signedIn.Value.SecondFactorTicket;
            return Page();
        }

        SessionCookie.Append(HttpContext, options.Value, session.SessionToken, session.ExpiresAt);
        SessionCookie.AppendDevice(HttpContext, options.Value, session.DeviceToken);
        return Redirect(LocalUrl.Or(ReturnUrl, "/"));
    }
}
