using Microsoft.AspNetCore.Http;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>The httpOnly cookie that carries a session's secret to browsers; the API routes and the pages set and drop it alike.</summary>
internal static class SessionCookie
{
    public static void Append(HttpContext http, AuthOptions options, string token, DateTimeOffset expiresAt) =>
        http.Response.Cookies.Append(options.CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = http.Request.IsHttps,
            Path = "/",
            Expires = expiresAt,
            IsEssential = true,
        });

    public static void Delete(HttpContext http, AuthOptions options) =>
        http.Response.Cookies.Delete(options.CookieName, new CookieOptions { Path = "/", HttpOnly = true, SameSite = SameSiteMode.Lax });
}
