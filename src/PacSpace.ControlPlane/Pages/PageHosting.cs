using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;


namespace PacSpace.ControlPlane.Pages;

/// <summary>Everything the pages need from the host: Razor Pages, their own assets (no CDN), and security headers.</summary>
internal static class PageHosting
{
    /// <summary>No inline script or style anywhere, so the policy needs no nonce or hash.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

    public static IServiceCollection AddDashboardPages(this IServiceCollection services)
    {
        services.AddRazorPages().AddApplicationPart(typeof(PageHosting).Assembly);
        DatabaseKeyRing.Register(services);
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "pacspace_antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        return services;
    }

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "same-origin";
        if (context.Request.Path.StartsWithSegments("/dashboard"))
        {
            // Dashboard API answers are about one account (the user, its keys, its audit log): no cache may keep them.
            headers.CacheControl = "no-store";
        }

        return next(context);
    });

    /// <summary>CSS and script compiled into the assembly, served with a strong ETag.</summary>
    public static void MapDashboardAssets(this IEndpointRouteBuilder endpoints)
    {
        var assembly = typeof(PageHosting).Assembly;
        var assets = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("assets/", StringComparison.Ordinal))
            .ToDictionary(n => n["assets/".Length..], n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                var bytes = buffer.ToArray();
                var type = n.EndsWith(".css", StringComparison.Ordinal) ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
                return (Bytes: bytes, Type: type, ETag: "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] + "\"");
            }, StringComparer.Ordinal);

        endpoints.MapGet("/assets/{name}", (string name, HttpContext http) =>
        {
            if (!assets.TryGetValue(name, out var asset))
            {
                return Results.NotFound();
            }

            http.Response.Headers.CacheControl = "no-cache";
            http.Response.Headers.ETag = asset.ETag;
            return http.Request.Headers.IfNoneMatch == asset.ETag
                ? Results.StatusCode(StatusCodes.Status304NotModified)
                : Results.Bytes(asset.Bytes, asset.Type);
        }).ExcludeFromDescription();
    }

    /// <summary>Browsers ask for HTML; API clients (curl included) for anything else.</summary>
    public static bool WantsHtml(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));
}
