using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Features.Auth;
using PacSpace.ControlPlane.Features.Billing;
using PacSpace.ControlPlane.Features.Environments;
using PacSpace.ControlPlane.Provisioning;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Pages;

/// <summary>What the header of every signed-in page shows: who, which plan, both environments, the one in use.</summary>
internal sealed record Shell(
    MeView Me,
    Plan Plan,
    BillingMode BillingMode,
    IReadOnlyDictionary<PacSpaceEnvironment, EnvironmentRow> Environments,
    PacSpaceEnvironment Current,
    string SandboxUrl,
    string ProductionUrl)
{
    public bool ProductionAllowed => Plan.ProductionAllowed;

    public string Status(PacSpaceEnvironment env) => Environments.TryGetValue(env, out var row) ? row.status : Vocabulary.None;

    public bool IsSandbox => Current == PacSpaceEnvironment.Sandbox;
}

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

        var shell = await LoadShellAsync(HttpContext, HttpContext.RequestAborted);
        if (shell is null)
        {
            context.Result = RedirectToPage("/Login");
            return;
        }

        Shell = shell;
        await next();
    }

    internal static async Task<Shell?> LoadShellAsync(Microsoft.AspNetCore.Http.HttpContext http, CancellationToken ct)
    {
        var services = http.RequestServices;
        var db = services.GetRequiredService<Database>();
        var planes = services.GetRequiredService<PlaneClient>();
        var billing = services.GetRequiredService<IOptions<BillingOptions>>().Value;
        await using var connection = await db.OpenAsync(ct);
        var me = await UserStore.LoadMeAsync(connection, http.User.UserIdOf(), ct);
        if (me is null)
        {
            return null;
        }

        var rows = (await EnvironmentRows.ListAsync(connection, me.TenantId, ct)).ToDictionary(r => r.Name);
        var plan = Plans.Get(me.Tenant.Plan);

        // The preference is kept as saved; the pages show Production only while it can actually be used.
        var preferred = PacSpaceEnvironments.FromStored(me.PreferredEnvironment);
        var current = preferred == PacSpaceEnvironment.Production && plan.ProductionAllowed
            && rows.TryGetValue(PacSpaceEnvironment.Production, out var production) && production.status == Vocabulary.Active
            ? PacSpaceEnvironment.Production
            : PacSpaceEnvironment.Sandbox;
        return new Shell(me, plan, billing.Mode, rows, current, planes.PublicUrl(PacSpaceEnvironment.Sandbox), planes.PublicUrl(PacSpaceEnvironment.Production));
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

/// <summary>Turns posted form fields into the same <see cref="FieldReader"/> the JSON routes use, so both share one set of rules.</summary>
internal static class FormFields
{
    public static FieldReader Read(Microsoft.AspNetCore.Http.IFormCollection form, params string[] names)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var value = form[name].ToString();
            if (value.Length > 0)
            {
                values[name] = value;
            }
        }

        return new FieldReader(JsonSerializer.SerializeToElement(values));
    }

    public static FieldReader Of(IReadOnlyDictionary<string, object?> values) => new(JsonSerializer.SerializeToElement(values));
}

internal static class PageServices
{
    /// <summary>Page models are public (Razor needs that) while feature services are internal, so those come from the request's container.</summary>
    public static T Service<T>(this PageModel page)
        where T : notnull => page.HttpContext.RequestServices.GetRequiredService<T>();
}

/// <summary>Local redirect targets only: a return URL from the query never leads off the dashboard.</summary>
internal static class LocalUrl
{
    public static string Or(string? url, string fallback) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : fallback;
}

internal static class Display
{
    public static string Time(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture) : "never";

    public static string EnvLabel(PacSpaceEnvironment env) => env == PacSpaceEnvironment.Sandbox ? "Sandbox" : "Production";

    public static string StatusLabel(string status) => status switch
    {
        Vocabulary.Active => "Active",
        Vocabulary.Activating => "Activating…",
        Vocabulary.Failed => "Failed",
        _ => "Not active",
    };

    public static string Price(decimal? usd) => usd is null ? "custom" : usd == 0 ? "free" : $"${usd:N0}/month";
}
