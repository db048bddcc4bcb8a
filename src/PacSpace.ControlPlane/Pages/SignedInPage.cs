using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PacSpace.ControlPlane.Features.Auth;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Pages;

/// <summary>
/// Base of the pages that need a signed-in user (cookie session). Loads the header's data once per request and
/// sends anyone without a session to the login page.
/// </summary>
public abstract class SignedInPage : PageModel
{
    internal Shell Shell { get; private set; } = null!;

    /// <summary>A one-off message shown after a redirect (Post/Redirect/Get).</summary>
    [TempData]
    public string? Flash { get; set; }

    [TempData]
    public string? FlashError { get; set; }

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (User.Identity?.IsAuthenticated != true || !User.IsCookieAuthenticated())
        {
            context.Result = RedirectToPage("/Login", new { returnUrl = Request.Path + Request.QueryString });
            return;
        }

        var shell = await Shell.LoadAsync(HttpContext, HttpContext.RequestAborted);
        if (shell is null)
        {
            context.Result = RedirectToPage("/Login");
            return;
        }

        Shell = shell;
        await next();
    }

    /// <summary>Shows an expected failure after the redirect; field details are joined into one sentence.</summary>
    internal void ShowError(Error error) => FlashError = Describe(error);

    internal static string Describe(Error error) => error.Details is { Count: > 0 } details
        ? string.Join(" ", details.Select(d => $"{FieldLabel(d.Field)} {d.Issue}."))
        : error.Message;

    private static string FieldLabel(string field) => field switch
    {
        "firstName" => "First name",
        "lastName" => "Last name",
        "email" => "E-mail",
        "password" => "Password",
        "name" => "Name",
        "overlapHours" => "Overlap",
        "tier" => "Plan",
        _ => char.ToUpperInvariant(field[0]) + field[1..],
    };
}
