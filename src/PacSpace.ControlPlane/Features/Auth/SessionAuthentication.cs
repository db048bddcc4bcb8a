using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Dapper;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Auth;

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

/// <summary>
/// Issues the JWT that goes with a session. Every JWT names its server-side session (<c>sid</c>), so logging
/// out ends the bearer token and the cookie together.
/// </summary>
internal sealed class JwtIssuer(IOptions<AuthOptions> options)
{
    public const string Issuer = "pacspace";
    public const string Audience = "pacspace-dashboard";

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SymmetricSecurityKey _key = new(Convert.FromBase64String(options.Value.JwtSigningKey));

    public string Issue(string userId, string tenantId, string sessionId, DateTimeOffset now, DateTimeOffset expiresAt) =>
        _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expiresAt.UtcDateTime,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
            Claims = new Dictionary<string, object>
            {
                [DashboardClaims.UserId] = userId,
                [DashboardClaims.TenantId] = tenantId,
                [DashboardClaims.SessionId] = sessionId,
            },
        });

    public async Task<string?> ValidateAsync(string token, DateTimeOffset now)
    {
        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Audience,
            IssuerSigningKey = _key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ClockSkew = TimeSpan.FromSeconds(30),
            LifetimeValidator = (notBefore, expires, _, _) =>
                expires is { } e && e > now.UtcDateTime && (notBefore is null || notBefore <= now.UtcDateTime.AddSeconds(30)),
        });
        return result.IsValid && result.Claims.TryGetValue(DashboardClaims.SessionId, out var sid) ? sid as string : null;
    }
}

/// <summary>
/// One ASP.NET Core authentication scheme for both API generations: <c>Authorization: Bearer &lt;JWT&gt;</c>
/// (V3.6) or the httpOnly session cookie (current). Either way the server-side session must still be open.
/// </summary>
internal sealed class SessionAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<AuthOptions> authOptions,
    JwtIssuer jwt,
    Database db,
    TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "PacSpaceSession";
    private const string FailureKey = "pacspace.auth.failure";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var now = time.GetUtcNow();
        string method;
        SessionRow? session;
        var authorization = Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            method = DashboardClaims.MethodBearer;
            var sessionId = await jwt.ValidateAsync(authorization["Bearer ".Length..].Trim(), now);
            if (sessionId is null)
            {
                return Fail(ErrorCodes.SessionExpired, "The token is invalid or has expired. Log in again.");
            }

            session = await LoadAsync("s.id = @key", sessionId);
        }
        else if (Request.Cookies.TryGetValue(authOptions.Value.CookieName, out var cookie) && !string.IsNullOrEmpty(cookie))
        {
            method = DashboardClaims.MethodCookie;
            session = await LoadAsync("s.token_hash = @key", Secrets.Hash(cookie));
        }
        else
        {
            return AuthenticateResult.NoResult();
        }

        if (session is null || session.ended_at is not null || session.expires_at <= now.ToUnixTimeMilliseconds())
        {
            return Fail(ErrorCodes.SessionExpired, "The session has ended or expired. Log in again.");
        }

        var identity = new ClaimsIdentity(
        [
            new Claim(DashboardClaims.UserId, session.user_id),
            new Claim(DashboardClaims.TenantId, session.tenant_id),
            new Claim(DashboardClaims.SessionId, session.id),
            new Claim(DashboardClaims.Method, method),
        ], SchemeName, DashboardClaims.UserId, null);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var error = Context.Items[FailureKey] as Error ?? Error.Unauthenticated();
        return Envelope.WriteErrorAsync(Context, error);
    }

    private AuthenticateResult Fail(string code, string message)
    {
        Context.Items[FailureKey] = new Error(401, code, message);
        return AuthenticateResult.Fail(message);
    }

    private async Task<SessionRow?> LoadAsync(string where, string key)
    {
        await using var connection = await db.OpenAsync(Context.RequestAborted);
        return await connection.QuerySingleOrDefaultAsync<SessionRow>(new CommandDefinition(
            $"SELECT s.id, s.user_id, u.tenant_id, s.expires_at, s.ended_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE {where}",
            new { key }, cancellationToken: Context.RequestAborted));
    }

    private sealed record SessionRow(string id, string user_id, string tenant_id, long expires_at, long? ended_at);
}

/// <summary>Cookie-authenticated writes must carry <c>X-Pacspace-CSRF: 1</c>; a cross-site form cannot set it.</summary>
internal sealed class CsrfFilter : IEndpointFilter
{
    public const string HeaderName = "X-Pacspace-CSRF";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method) && !HttpMethods.IsOptions(http.Request.Method)
            && http.User.IsCookieAuthenticated()
            && http.Request.Headers[HeaderName] != "1")
        {
            return ValueTask.FromResult<object?>(Envelope.Fail(new Error(403, ErrorCodes.CsrfRequired,
                $"Cookie-authenticated requests that change data must send the header {HeaderName}: 1.")));
        }

        return next(context);
    }
}
