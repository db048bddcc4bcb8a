using Microsoft.AspNetCore.Mvc;
using PacSpace.ControlPlane.Features.ApiKeys;
using PacSpace.Hosting.Data;

namespace PacSpace.ControlPlane.Pages;

/// <summary>The confirmation step before a revoke: a page of its own, so it needs no script.</summary>
public sealed class RevokeKeyModel(Database db, TimeProvider time) : SignedInPage
{
    private KeySync sync => this.Service<KeySync>();

    internal ApiKeyEndpoints.KeyView Key { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        var key = await ApiKeyEndpoints.GetKeyAsync(HttpContext, id, db, time, ct);
        if (!key.IsSuccess)
        {
            return NotFound();
        }

        Key = key.Value;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id, CancellationToken ct)
    {
        var revoked = await ApiKeyEndpoints.RevokeKeyAsync(HttpContext, id, db, sync, time, ct);
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
