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

    /// <summary>The long-lived cookie that marks this browser as one its owner signed in from (<see cref="LoginThrottle"/>).</summary>
    public static void AppendDevice(HttpContext http, AuthOptions options, string deviceToken) =>
        http.Response.Cookies.Append(options.DeviceCookieName, deviceToken, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = http.Request.IsHttps,
            Path = "/",
            Expires = DateTimeOffset.UtcNow.AddYears(1),
            IsEssential = true,
        });

    public static string? DeviceOf(HttpContext http, AuthOptions options) =>
        http.Request.Cookies.TryGetValue(options.DeviceCookieName, out var value) ? value : null;

    public static void Delete(HttpContext http, AuthOptions options) =>
        http.Response.Cookies.Delete(options.CookieName, new CookieOptions { Path = "/", HttpOnly = true, SameSite = SameSiteMode.Lax });
}
