using PacSpace.Contracts.Auth;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>
/// For a plane (<c>POST /internal/v1/authorize-user</c>): does this dashboard credential name an open session of a user of
/// this tenant? The same checks as the dashboard's own authentication (<see cref="Sessions"/>), so a session that ended
/// (logout, logout everywhere, a revoked session, a password change) is refused here from the moment it ends; the plane
/// keeps an answer for a few seconds at most (<c>Plane:DashboardAuthCacheTtl</c>).
/// </summary>
internal sealed class AuthorizeUser(Sessions sessions, TimeProvider time)
{
    /// <summary>Longest credential looked at: a JWT of ours is a few hundred characters, a cookie value 43.</summary>
    public const int MaxCredentialLength = 4096;

    public async Task<Result<UserAuthorization>> HandleAsync(AuthorizeUserRequest? input, CancellationToken ct)
    {
        var errors = new List<ErrorDetail>();
        if (string.IsNullOrEmpty(input?.TenantId))
        {
            errors.Add(new ErrorDetail("tenantId", "is required"));
        }

        if (string.IsNullOrEmpty(input?.BearerToken) == string.IsNullOrEmpty(input?.SessionCookie))
        {
            errors.Add(new ErrorDetail("bearerToken", "give exactly one of bearerToken and sessionCookie"));
        }

        if (input?.BearerToken?.Length > MaxCredentialLength || input?.SessionCookie?.Length > MaxCredentialLength)
        {
            errors.Add(new ErrorDetail("bearerToken", $"must be at most {MaxCredentialLength} characters"));
        }

        if (errors.Count > 0)
        {
            return Error.Validation(errors);
        }

        var now = time.GetUtcNow();
        var found = input!.BearerToken is { Length: > 0 } token
            ? await sessions.FromBearerAsync(token, now, ct)
            : await sessions.FromCookieAsync(input.SessionCookie!, now, ct);
        if (found.Session is not { } session)
        {
            return new UserAuthorization(UserVerdicts.Unauthenticated, null, null);
        }

        if (!string.Equals(session.TenantId, input.TenantId, StringComparison.Ordinal))
        {
            return new UserAuthorization(UserVerdicts.OtherTenant, null, null);
        }

        await sessions.NoteUseAsync(session, now, ct);
        return new UserAuthorization(UserVerdicts.Authorized, session.UserId, session.ExpiresAt);
    }
}
