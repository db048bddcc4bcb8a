using Microsoft.AspNetCore.Mvc;
using PacSpace.ControlPlane.Features.ApiKeys;

namespace PacSpace.ControlPlane.Pages;

/// <summary>The confirmation step before a revoke: a page of its own, so it needs no script.</summary>
public sealed class RevokeKeyModel : SignedInPage
{
    internal KeyView Key { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        var key = await this.Service<GetKey>().HandleAsync(Actor.Page(HttpContext), new GetKey.Input(id), ct);
        if (!key.IsSuccess)
        {
            return NotFound();
        }

        Key = key.Value;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id, CancellationToken ct)
    {
        var revoked = await this.Service<RevokeKey>().HandleAsync(Actor.Page(HttpContext), new RevokeKey.Input(id), ct);
        if (revoked.IsSuccess)
        {
            Flash = $"Key \"{revoked.Value.Name}\" is revoked for good.";
        }
        else
        {
            ShowError(revoked.Error!);
        }

        return Redirect("/api-keys");
    }
}
