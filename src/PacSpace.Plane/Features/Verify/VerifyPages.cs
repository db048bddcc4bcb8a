using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Web;
using PacSpace.Plane.Features.Scopes;

namespace PacSpace.Plane.Features.Verify;

/// <summary>
/// The human verification pages anyone can open, no key and no cookie: <c>/verify/{proofRoot}</c> (a period checkpoint),
/// <c>/verify/receipt/{receiptId}</c>, and <c>/verify</c> to look either up. They answer from the same handlers as the JSON
/// routes under <c>/api/v1/verify</c>; the browser checks the proof with <c>/verify-assets/verify.js</c>. Any path under
/// <c>/verify</c> that names nothing is an HTML 404 (a malformed proof root 400), never a 500.
/// </summary>
internal static class VerifyPages
{
    /// <summary>Script and style from this origin only, nothing inline; the proof data block is JSON, which is never run.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'none'; form-action 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    /// <summary>Where a proof root's page is, under the plane's address as the caller reached it.</summary>
    public static string PeriodUrl(string baseUrl, string proofRoot) => $"{baseUrl}/verify/{proofRoot}";

    /// <summary>Where a receipt's page is (a path: delta and record answers carry paths).</summary>
    public static string ReceiptPath(string receiptId) => "/verify/receipt/" + receiptId;

    public static IServiceCollection AddVerifyPages(this IServiceCollection services) =>
        services.AddSingleton<VerifyAssets>().AddSingleton<VerifyPageHtml>();

    // HEAD too: link checkers and previews ask before they fetch.
    private static readonly string[] GetOrHead = [HttpMethods.Get, HttpMethods.Head];

    public static void MapVerifyPages(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/verify", GetOrHead, (HttpContext http, VerifyPageHtml html) =>
        {
            var id = http.Request.Query["id"].ToString().Trim();
            if (id.Length == 0)
            {
                return Page(http, 200, html.Lookup(null, null));
            }

            if (ScopeRules.ProofRoot(id) is { } root)
            {
                return Results.Redirect("/verify/" + root);
            }

            return Ids.IsValid(id, "rcp")
                ? Results.Redirect(ReceiptPath(id))
                : Page(http, 400, html.Lookup(id, "This is neither a proof root (64 hexadecimal characters) nor a receipt id (rcp_…)."));
        }).ExcludeFromDescription();
        app.MapMethods("/verify/receipt/{receiptId}", GetOrHead, async (string receiptId, HttpContext http, VerifyReceipt handler, VerifyPageHtml html, CancellationToken ct) =>
        {
            var found = await handler.HandleAsync(new VerifyReceipt.Input(RawPath.LastSegment(http, receiptId)), ct);
            return found.IsSuccess
                ? Page(http, 200, html.Receipt(found.Value, BaseUrl(http)))
                : Page(http, 404, html.Problem("No such receipt", "This plane holds no receipt with this id. Check the id you were given: it starts with rcp_."));
        }).ExcludeFromDescription();
        app.MapMethods("/verify/{proofRoot}", GetOrHead, async (string proofRoot, HttpContext http, VerifyProofRoot handler, VerifyPageHtml html, CancellationToken ct) =>
        {
            var found = await handler.HandleAsync(new VerifyProofRoot.Input(RawPath.LastSegment(http, proofRoot), ""), ct);
            if (found.IsSuccess)
            {
                return Page(http, 200, html.Period(found.Value, BaseUrl(http)));
            }

            return found.Error!.Status == StatusCodes.Status400BadRequest
                ? Page(http, 400, html.Problem("This is not a proof root", "A proof root is 64 hexadecimal characters (0x in front is fine), as printed on an invoice."))
                : Page(http, 404, html.Problem("No checkpoint has this proof root", "This plane holds no period checkpoint with this proof root. Check the value printed on the invoice."));
        }).ExcludeFromDescription();
        // Below every route (a fallback): deeper paths, and other methods, get the page too rather than the JSON 404.
        app.MapFallback("/verify/{**rest}", (HttpContext http, VerifyPageHtml html) =>
            Page(http, 404, html.Problem("Nothing to verify here", "This address names no proof root and no receipt."))).ExcludeFromDescription();

        app.MapMethods(VerifyAssets.Prefix + "{name}", GetOrHead, (string name, HttpContext http, VerifyAssets assets) =>
        {
            if (!assets.TryGet(name, out var asset))
            {
                return PacSpaceWeb.NoSuchRoute();
            }

            var headers = http.Response.Headers;
            headers.ETag = asset.ETag;
            // A versioned URL never changes content; the bare one is revalidated.
            headers.CacheControl = http.Request.Query["v"] == asset.Version ? "public, max-age=31536000, immutable" : "public, no-cache";
            headers["Cross-Origin-Resource-Policy"] = "same-origin";
            return http.Request.Headers.IfNoneMatch == asset.ETag
                ? Results.StatusCode(StatusCodes.Status304NotModified)
                : Results.Bytes(asset.Bytes, asset.ContentType);
        }).ExcludeFromDescription();
    }

    private static IResult Page(HttpContext http, int status, string html)
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        // The address holds a proof root or receipt id, which is what lets its holder see the proof: never pass it on.
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers.CacheControl = "no-cache";
        return Results.Content(html, "text/html; charset=utf-8", null, status);
    }

    private static string BaseUrl(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}";
}
