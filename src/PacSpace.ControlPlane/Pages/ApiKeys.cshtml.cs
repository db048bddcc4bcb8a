using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using PacSpace.ControlPlane.Features.ApiKeys;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Pages;

/// <summary>
/// Keys of the environment in use, over the same use cases as <c>/dashboard/api-keys</c>. A new secret survives
/// the redirect only in the encrypted, single-read TempData cookie, and the page showing it is never cached.
/// </summary>
public sealed class ApiKeysModel(TimeProvider time) : SignedInPage
{
    internal sealed record NewKeyNotice(string FullKey, DateTimeOffset? PreviousKeyExpiresAt);

    [TempData]
    public string? NewKeyJson { get; set; }

    internal NewKeyNotice? NewKey { get; private set; }

    internal PagedList<KeyView> Keys { get; private set; } = null!;

    private Actor PageActor => Actor.Page(HttpContext);

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (NewKeyJson is { } json)
        {
            NewKey = JsonSerializer.Deserialize<NewKeyNotice>(json);
            Response.Headers.CacheControl = "no-store";
        }

        Keys = await this.Service<ListKeys>().HandleAsync(PageActor, new ListKeys.Input(Shell.Current, 1, Paging.MaxLimit), ct);
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        var input = CreateKey.Input.Read(Fields(("name", NullIfEmpty(Request.Form["name"])), ("environment", Shell.Current.KeyName())), time.GetUtcNow());
        var created = input.IsSuccess ? await this.Service<CreateKey>().HandleAsync(PageActor, input.Value, ct) : input.Error!;
        return Done(created, k => Remember(new NewKeyNotice(k.FullKey, null), $"Key \"{k.Name}\" created."));
    }

    public async Task<IActionResult> OnPostRenameAsync(string id, CancellationToken ct)
    {
        var input = UpdateKey.Input.Read(id, Fields(("name", NullIfEmpty(Request.Form["name"]))));
        return Done(await UpdateAsync(input, ct), k => Flash = $"Renamed to \"{k.Name}\".");
    }

    public async Task<IActionResult> OnPostToggleAsync(string id, bool active, CancellationToken ct) =>
        Done(await UpdateAsync(new UpdateKey.Input(id, null, active), ct), k => Flash = $"Key \"{k.Name}\" {(active ? "enabled" : "disabled")}.");

    public async Task<IActionResult> OnPostRotateAsync(string id, CancellationToken ct)
    {
        var hours = double.TryParse(Request.Form["overlapHours"], NumberStyles.Float, CultureInfo.InvariantCulture, out var h) ? (object)h : Request.Form["overlapHours"].ToString();
        var input = RotateKey.Input.Read(id, Fields(("overlapHours", hours)));
        var rotated = input.IsSuccess ? await this.Service<RotateKey>().HandleAsync(PageActor, input.Value, ct) : input.Error!;
        return Done(rotated, k => Remember(new NewKeyNotice(k.FullKey, k.PreviousKeyExpiresAt), $"Key rotated: \"{k.Name}\" replaces the old one."));
    }

    private async Task<Result<KeyView>> UpdateAsync(Result<UpdateKey.Input> input, CancellationToken ct) =>
        input.IsSuccess ? await this.Service<UpdateKey>().HandleAsync(PageActor, input.Value, ct) : input.Error!;

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

    private static FieldReader Fields(params (string Name, object? Value)[] values) => FormFields.Of(values.ToDictionary(v => v.Name, v => v.Value));

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
