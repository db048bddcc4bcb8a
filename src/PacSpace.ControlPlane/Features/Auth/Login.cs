using Dapper;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>
/// <c>POST /dashboard/auth/login</c>: one server-side session, handed out both as a JWT (V3.6 clients) and as
/// an httpOnly cookie (current clients and the pages). Repeated failures lock the account for a while
/// (429 <c>TOO_MANY_ATTEMPTS</c>); a per-IP rate limit in front covers unknown e-mails.
/// </summary>
internal static class Login
{
    public sealed record Request(string Email, string Password);

    public sealed record Response(string AccessToken, string Token, DateTimeOffset ExpiresAt, UserView User);

    public static async Task<IResult> HandleAsync(
        HttpContext http,
        Database db,
        Passwords passwords,
        JwtIssuer jwt,
        IOptions<AuthOptions> options,
        TimeProvider time,
        CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(http.Request, ct);
        if (!body.IsSuccess)
        {
            return Envelope.Fail(body.Error!);
        }

        var credentials = Parse(body.Value);
        var signedIn = credentials.IsSuccess
            ? await SignInAsync(http, credentials.Value.Email, credentials.Value.Password, db, passwords, jwt, options, time, ct)
            : credentials.Error!;
        return Envelope.From(signedIn, v => Envelope.Ok(v, 200, "Logged in."));
    }

    public static Result<Request> Parse(FieldReader fields)
    {
        var email = fields.String("email", required: true, 1, 254);
        var password = fields.String("password", required: true, 1, Passwords.MaxLength);
        return fields.HasErrors ? fields.ToError() : new Request(email!, password!);
    }

    /// <summary>
    /// Checks the password (with lockout), opens a session and sets the session cookie; shared by the API route and
    /// the login page.
    /// </summary>
    public static async Task<Result<Response>> SignInAsync(
        HttpContext http,
        string email,
        string password,
        Database db,
        Passwords passwords,
        JwtIssuer jwt,
        IOptions<AuthOptions> options,
        TimeProvider time,
        CancellationToken ct)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        await using var connection = await db.OpenAsync(ct);
        var user = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            "SELECT id, password_hash, is_verified, locked_until FROM users WHERE email_normalized = @normalized",
            new { normalized = Secrets.NormalizeEmail(email) }, cancellationToken: ct));

        if (user?.locked_until is long until && until > nowMs)
        {
            return TooManyAttempts(until - nowMs);
        }

        if (!passwords.Verify(user?.password_hash, password) || user is null)
        {
            if (user is not null)
            {
                // Count the failure and lock once the threshold is reached, in one statement (safe across replicas).
                var lockedUntil = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                    """
                    UPDATE users SET
                        locked_until = CASE WHEN failed_logins + 1 >= @threshold THEN @lockUntil ELSE locked_until END,
                        failed_logins = CASE WHEN failed_logins + 1 >= @threshold THEN 0 ELSE failed_logins + 1 END
                    WHERE id = @id
                    RETURNING locked_until
                    """, new { threshold = o.LockoutThreshold, lockUntil = now.Add(o.LockoutDuration).ToUnixTimeMilliseconds(), id = user.id },
                    cancellationToken: ct));
                if (lockedUntil is long l && l > nowMs)
                {
                    return TooManyAttempts(l - nowMs);
                }
            }

            return new Error(401, ErrorCodes.InvalidCredentials, "The e-mail or password is not correct.");
        }

        if (user.is_verified == 0)
        {
            return new Error(403, ErrorCodes.EmailNotVerified,
                "Verify your e-mail address first: open the link we sent, or ask for a new one at POST /dashboard/auth/resend-verification.");
        }

        var token = Secrets.NewToken();
        var sessionId = Ids.New("ses", time);
        var expiresAt = now.Add(o.SessionLifetime);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = @userId;
            INSERT INTO sessions (id, user_id, token_hash, created_at, expires_at, ip) VALUES (@sessionId, @userId, @hash, @nowMs, @expires, @ip);
            """, new { userId = user.id, sessionId, hash = Secrets.Hash(token), nowMs, expires = expiresAt.ToUnixTimeMilliseconds(), ip = http.Connection.RemoteIpAddress?.ToString() },
            cancellationToken: ct));

        var me = await Users.LoadAsync(connection, user.id, ct);
        var accessToken = jwt.Issue(user.id, me!.TenantId, sessionId, now, expiresAt);
        http.Response.Cookies.Append(o.CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = http.Request.IsHttps,
            Path = "/",
            Expires = expiresAt,
            IsEssential = true,
        });
        return new Response(accessToken, accessToken, expiresAt, me.ToUser());
    }

    internal static Error TooManyAttempts(long waitMs)
    {
        var seconds = (int)Math.Max(1, Math.Ceiling(waitMs / 1000.0));
        return new Error(429, ErrorCodes.TooManyAttempts, $"Too many failed login attempts. Try again in {seconds} seconds.")
        {
            RetryAfterSeconds = seconds,
        };
    }

    private sealed record Row(string id, string password_hash, long is_verified, long? locked_until);
}
