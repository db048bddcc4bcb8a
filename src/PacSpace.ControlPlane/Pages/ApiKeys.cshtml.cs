using PacSpace.Ledger;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using PacSpace.ControlPlane.Features.ApiKeys;
using PacSpace.ControlPlane.Features.Auth;
using PacSpace.ControlPlane.Features.Environments;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Contracts.Keys;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Pages;

/// <summary>
/// Keys of the environment in use, over the same functions as <c>/dashboard/api-keys</c>. A new secret survives
/// the redirect only in the encrypted, single-read TempData cookie, and the page showing it is never cached.
/// </summary>
public sealed class ApiKeysModel(Database db, TimeProvider time) : SignedInPage
{
    private KeySync sync => this.Service<KeySync>();

    internal sealed record NewKeyNotice(string FullKey, DateTimeOffset? PreviousKeyExpiresAt);

    [TempData]
    public string? NewKeyJson { get; set; }

    internal NewKeyNotice? NewKey { get; private set; }

    internal PagedList<ApiKeyEndpoints.KeyView> Keys { get; private set; } = null!;

    private PacSpaceEnvironment KeyEnv => Shell.Current == PacSpaceEnvironment.Production ? PacSpaceEnvironment.Production : PacSpaceEnvironment.Sandbox;

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (NewKeyJson is { } json)
        {
            NewKey = JsonSerializer.Deserialize<NewKeyNotice>(json);
            Response.Headers.CacheControl = "no-store";
        }

        Keys = await ApiKeyEndpoints.ListKeysAsync(User.TenantIdOf(), KeyEnv, 1, 100, db, time, ct);
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        var fields = FormFields.Of(new Dictionary<string, object?>
        {
            ["name"] = NullIfEmpty(Request.Form["name"]),
            ["environment"] = ApiKeyFormat.Name(KeyEnv),
        });
        var input = ApiKeyEndpoints.ParseCreate(fields, time.GetUtcNow());
        var created = input.IsSuccess ? await ApiKeyEndpoints.CreateKeyAsync(HttpContext, input.Value, db, sync, time, ct) : input.Error!;
        return Done(created, k => Remember(new NewKeyNotice(k.FullKey, null), $"Key \"{k.Name}\" created."));
    }

    public async Task<IActionResult> OnPostRenameAsync(string id, CancellationToken ct)
    {
        var input = ApiKeyEndpoints.ParseUpdate(FormFields.Of(new Dictionary<string, object?> { ["name"] = NullIfEmpty(Request.Form["name"]) }));
        var updated = input.IsSuccess ? await ApiKeyEndpoints.UpdateKeyAsync(HttpContext, id, input.Value, db, sync, time, ct) : input.Error!;
        return Done(updated, k => Flash = $"Renamed to \"{k.Name}\".");
    }

    public async Task<IActionResult> OnPostToggleAsync(string id, bool active, CancellationToken ct)
    {
        var updated = await ApiKeyEndpoints.UpdateKeyAsync(HttpContext, id, new ApiKeyEndpoints.UpdateInput(null, active), db, sync, time, ct);
        return Done(updated, k => Flash = $"Key \"{k.Name}\" {(active ? "enabled" : "disabled")}.");
    }

    public async Task<IActionResult> OnPostRotateAsync(string id, CancellationToken ct)
    {
        var hours = double.TryParse(Request.Form["overlapHours"], NumberStyles.Float, CultureInfo.InvariantCulture, out var h) ? (object)h : Request.Form["overlapHours"].ToString();
        var overlap = ApiKeyEndpoints.ParseRotate(FormFields.Of(new Dictionary<string, object?> { ["overlapHours"] = hours }));
        var rotated = overlap.IsSuccess ? await ApiKeyEndpoints.RotateKeyAsync(HttpContext, id, overlap.Value, db, sync, time, ct) : overlap.Error!;
        return Done(rotated, k => Remember(new NewKeyNotice(k.FullKey, k.PreviousKeyExpiresAt), $"Key rotated: \"{k.Name}\" replaces the old one."));
    }

    private void Remember(NewKeyNotice notice, string message)
    {
        NewKeyJson = JsonSerializer.Serialize(notice);
        Flash = message;
    }

    private RedirectResult Done<T>(Result<T> result, Action<T> onSuccess)
    {
        if (result.IsSuccess)
        {
            onSuccess(result.Value);
        }
        else
        {
            ShowError(result.Error!);
        }

        return Redirect("/api-keys");
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
