using Microsoft.Extensions.Options;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>
/// Checks an e-mail and password and opens one server-side session (<c>POST /dashboard/auth/login</c> and the login
/// page). Repeated failures lock the account for a while (429 <c>TOO_MANY_ATTEMPTS</c>); a per-IP rate limit in front
/// covers unknown e-mails. The caller hands the session out: as a JWT and a cookie (API), or a cookie (page).
/// </summary>
internal sealed class LogIn(Database db, Passwords passwords, UserStore users, SessionStore sessions, IOptions<AuthOptions> options, TimeProvider time)
{
    public sealed record Input(string Email, string Password, string? Address, string? UserAgent = null);

    /// <summary>The session: its bearer secret (the cookie value), its id (which the JWT names), its lifetime and its user.</summary>
    public sealed record Output(string SessionId, string SessionToken, DateTimeOffset OpenedAt, DateTimeOffset ExpiresAt, MeView User);

    public static Result<Input> Parse(FieldReader fields, string? address)
    {
        var email = fields.String("email", required: true, 1, 254);
        var password = fields.String("password", required: true, 1, Passwords.MaxLength);
        return fields.HasErrors ? fields.ToError() : new Input(email!, password!, address);
    }

    public async Task<Result<Output>> HandleAsync(Input input, CancellationToken ct)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        await using var connection = await db.OpenAsync(ct);
        var user = await users.FindCredentialsAsync(connection, Secrets.NormalizeEmail(input.Email), ct);

        if (user?.LockedUntil is long until && until > nowMs)
        {
            return TooManyAttempts(until - nowMs);
        }

        if (!passwords.Verify(user?.PasswordHash, input.Password, out var rehash) || user is null)
        {
            if (user is not null
                && await users.CountFailedLoginAsync(connection, user.Id, o.LockoutThreshold, now.Add(o.LockoutDuration).ToUnixTimeMilliseconds(), ct) is long lockedUntil
                && lockedUntil > nowMs)
            {
                return TooManyAttempts(lockedUntil - nowMs);
            }

            return new Error(401, ErrorCodes.InvalidCredentials, "The e-mail or password is not correct.");
        }

        if (rehash)
        {
            // The password is at hand only now: a hash made with an older work factor is replaced by today's.
            await users.SetPasswordHashAsync(connection, user.Id, passwords.Hash(input.Password), ct);
        }

        if (user.IsVerified == 0)
        {
            return new Error(403, ErrorCodes.EmailNotVerified,
                "Verify your e-mail address first: open the link we sent, or ask for a new one at POST /dashboard/auth/resend-verification.");
        }

        var token = Secrets.NewToken();
        var sessionId = Ids.New("ses", time);
        var expiresAt = now.Add(o.SessionLifetime);
        await users.ClearFailedLoginsAsync(connection, user.Id, ct);
        await sessions.InsertAsync(connection,
            new SessionStore.NewSession(sessionId, user.Id, Secrets.Hash(token), nowMs, expiresAt.ToUnixTimeMilliseconds(), input.Address, input.UserAgent), ct);
        var me = await UserStore.LoadMeAsync(connection, user.Id, ct);
        return new Output(sessionId, token, now, expiresAt, me!);
    }

    private static Error TooManyAttempts(long waitMs)
    {
        var seconds = (int)Math.Max(1, Math.Ceiling(waitMs / 1000.0));
        return new Error(429, ErrorCodes.TooManyAttempts, $"Too many failed login attempts. Try again in {seconds} seconds.")
        {
            RetryAfterSeconds = seconds,
        };
    }
}
