using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Features.Auth;
using PacSpace.Hosting.Data;

namespace PacSpace.ControlPlane.Pages;

public sealed class LogoutModel(Database db, IOptions<AuthOptions> options, TimeProvider time) : SignedInPage
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await Session.EndAsync(HttpContext, db, options, time, ct);
        return RedirectToPage("/Login", new { loggedOut = true });
    }
}
