using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Features.Auth;

namespace PacSpace.ControlPlane.Pages;

public sealed class LogoutModel(IOptions<AuthOptions> options) : SignedInPage
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await this.Service<LogOut>().HandleAsync(Actor.Page(HttpContext), new LogOut.Input(User.SessionIdOf()), ct);
        SessionCookie.Delete(HttpContext, options.Value);
        return RedirectToPage("/Login", new { loggedOut = true });
    }
}
