namespace PacSpace.Contracts.Auth;

/// <summary>
/// A plane asks the control plane (<c>POST /internal/v1/authorize-user</c>) whether a dashboard credential presented to
/// it names an open session of a user of <paramref name="TenantId"/>: the JWT of <c>Authorization: Bearer</c>, or the
/// value of the session cookie (exactly one of them).
/// </summary>
public sealed record AuthorizeUserRequest(string TenantId, string? BearerToken, string? SessionCookie);

/// <summary>The control plane's verdict on an <see cref="AuthorizeUserRequest"/>.</summary>
/// <param name="Verdict">One of <see cref="UserVerdicts"/>.</param>
/// <param name="UserId">The session's user, when <see cref="UserVerdicts.Authorized"/>.</param>
/// <param name="SessionExpiresAt">When the session expires (Unix ms), when authorized: an answer is never trusted beyond it.</param>
public sealed record UserAuthorization(string Verdict, string? UserId, long? SessionExpiresAt);

public static class UserVerdicts
{
    /// <summary>An open session of a user of the tenant.</summary>
    public const string Authorized = "authorized";

    /// <summary>Not a valid JWT or cookie, or its session has ended or expired.</summary>
    public const string Unauthenticated = "unauthenticated";

    /// <summary>An open session, of a user of another tenant.</summary>
    public const string OtherTenant = "other_tenant";
}
