using System.Security.Claims;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>The claims of a dashboard session principal: user, tenant, session and how it was presented.</summary>
internal static class DashboardClaims
{
    public const string UserId = "sub";
    public const string TenantId = "tid";
    public const string SessionId = "sid";
    public const string Method = "amr";
    public const string MethodCookie = "cookie";
    public const string MethodBearer = "bearer";

    public static string UserIdOf(this ClaimsPrincipal user) => user.FindFirstValue(UserId)!;

    public static string TenantIdOf(this ClaimsPrincipal user) => user.FindFirstValue(TenantId)!;

    public static string SessionIdOf(this ClaimsPrincipal user) => user.FindFirstValue(SessionId)!;

    public static bool IsCookieAuthenticated(this ClaimsPrincipal user) => user.FindFirstValue(Method) == MethodCookie;
}
