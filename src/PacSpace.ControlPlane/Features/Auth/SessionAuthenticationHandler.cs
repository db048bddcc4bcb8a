using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>
/// One ASP.NET Core authentication scheme for both API generations: <c>Authorization: Bearer &lt;JWT&gt;</c>
/// (V3.6) or the httpOnly session cookie (current). Either way the server-side session must still be open.
/// </summary>
internal sealed class SessionAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<AuthOptions> authOptions,
    Sessions sessions,
    TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "PacSpaceSession";
    private const string FailureKey = "pacspace.auth.failure";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var now = time.GetUtcNow();
        string method;
        Sessions.Found found;
        var authorization = Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            method = DashboardClaims.MethodBearer;
            found = await sessions.FromBearerAsync(authorization["Bearer ".Length..].Trim(), now, Context.RequestAborted);
            if (found.BadToken)
            {
                return Fail(ErrorCodes.SessionExpired, "The token is invalid or has expired. Log in again.");
            }
        }
        else if (Request.Cookies.TryGetValue(authOptions.Value.CookieName, out var cookie) && !string.IsNullOrEmpty(cookie))
        {
            method = DashboardClaims.MethodCookie;
            found = await sessions.FromCookieAsync(cookie, now, Context.RequestAborted);
        }
        else
        {
            return AuthenticateResult.NoResult();
        }

        if (found.Session is not { } session)
        {
            return Fail(ErrorCodes.SessionExpired, "The session has ended or expired. Log in again.");
        }

        await sessions.NoteUseAsync(session, now, Context.RequestAborted);

        var identity = new ClaimsIdentity(
        [
            new Claim(DashboardClaims.UserId, session.UserId),
            new Claim(DashboardClaims.TenantId, session.TenantId),
            new Claim(DashboardClaims.SessionId, session.Id),
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
}
