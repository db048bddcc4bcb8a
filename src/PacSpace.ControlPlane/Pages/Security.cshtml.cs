using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Features.Auth;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Pages;

/// <summary>
/// Account security over the same use cases as <c>/dashboard/auth/password</c>, <c>/logout-all</c> and
/// <c>/sessions</c>: change the password, see where the account is signed in, end one session or all of them.
/// </summary>
public sealed class SecurityModel(IOptions<AuthOptions> options) : SignedInPage
{
    internal IReadOnlyList<ListSessions.SessionView> Sessions { get; private set; } = [];

    /// <summary>Why the password form was refused, by field (<c>currentPassword</c>, <c>newPassword</c>), shown next to it.</summary>
    internal IReadOnlyDictionary<string, string> PasswordErrors { get; private set; } = new Dictionary<string, string>();

    private Actor PageActor => Actor.Page(HttpContext);

    public async Task OnGetAsync(CancellationToken ct) => await LoadSessionsAsync(ct);

    public async Task<IActionResult> OnPostPasswordAsync(CancellationToken ct)
    {
        var input = ChangePassword.Parse(FormFields.Read(Request.Form, "currentPassword", "newPassword"), User.SessionIdOf());
        var changed = input.IsSuccess ? await this.Service<ChangePassword>().HandleAsync(PageActor, input.Value, ct) : input.Error!;
        if (changed.IsSuccess)
        {
            Flash = "Password changed. Your other sessions have ended.";
            return Redirect("/security");
        }

        // Shown on this response, beside the fields, rather than after a redirect: the form keeps the user's place.
        PasswordErrors = FieldErrors(changed.Error!);
        Response.StatusCode = changed.Error!.Status;
        await LoadSessionsAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostLogoutAllAsync(CancellationToken ct)
    {
        await this.Service<LogOutEverywhere>().HandleAsync(PageActor, ct);
        SessionCookie.Delete(HttpContext, options.Value);
        return Redirect("/login?loggedOut=true&everywhere=true");
    }

    public async Task<IActionResult> OnPostRevokeAsync(string id, CancellationToken ct)
    {
        var ended = await this.Service<EndSession>().HandleAsync(PageActor, new EndSession.Input(id, User.SessionIdOf()), ct);
        if (!ended.IsSuccess)
        {
            FlashError = "That session had already ended.";
            return Redirect("/security#sessions");
        }

        if (ended.Value.Current)
        {
            SessionCookie.Delete(HttpContext, options.Value);
            return Redirect("/login?loggedOut=true");
        }

        Flash = "Session revoked: that browser or token is signed out.";
        return Redirect("/security#sessions");
    }

    private async Task LoadSessionsAsync(CancellationToken ct) =>
        Sessions = (await this.Service<ListSessions>().HandleAsync(PageActor, new ListSessions.Input(User.SessionIdOf()), ct)).Sessions;

    private static Dictionary<string, string> FieldErrors(Error error)
    {
        if (error.Details is not { Count: > 0 } details)
        {
            return new Dictionary<string, string> { [""] = error.Message };
        }

        return details.GroupBy(d => d.Field).ToDictionary(g => g.Key, g => string.Join(" ", g.Select(d => $"{Label(d.Field)} {d.Issue}.")));
    }

    private static string Label(string field) => field switch
    {
        "currentPassword" => "The current password",
        "newPassword" => "The new password",
        _ => field,
    };
}
