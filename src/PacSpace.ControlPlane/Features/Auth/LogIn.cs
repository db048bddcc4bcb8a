using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>
/// Checks an e-mail and password (and, when the account has two-factor authentication, a code) and opens one
/// server-side session (<c>POST /dashboard/auth/login</c> and the login page). Every failure answers the same whether
/// or not the address has an account; <see cref="LoginThrottle"/> slows repeated failures by growing waits, for known
/// and unknown addresses alike, and never locks the owner's known browser out. The caller hands the session out: as a
/// JWT and a cookie (API), or a cookie (page).
/// </summary>
internal sealed class LogIn(
    Database db,
    Passwords passwords,
    UserStore users,
    SessionStore sessions,
    LoginThrottle throttle,
    TwoFactor twoFactor,
    IDataProtectionProvider protection,
    IOptions<AuthOptions> options,
    TimeProvider time)
{
    private static readonly TimeSpan TicketLifetime = TimeSpan.FromMinutes(5);
    private readonly ITimeLimitedDataProtector _tickets = protection.CreateProtector("PacSpace.LoginSecondFactor.v1").ToTimeLimitedDataProtector();

    /// <summary>
    /// A password, or the <paramref name="Ticket"/> a first step with the right password handed out (the login page's
    /// second step); <paramref name="Code"/> is a TOTP code or a recovery code.
    /// </summary>
    public sealed record Input(string Email, string? Password, string? Code, string? Ticket, string? Address, string? DeviceToken, string? UserAgent = null);

    /// <summary>The session: its bearer secret (the cookie value), its id (which the JWT names), its lifetime, its user and a device token for the browser.</summary>
    public sealed record Session(string SessionId, string SessionToken, DateTimeOffset OpenedAt, DateTimeOffset ExpiresAt, MeView User, string DeviceToken);

    /// <summary>Either a session, or — the password was right and the account asks for a code — a ticket for the second step.</summary>
    public sealed record Output(Session? Session, string? SecondFactorTicket);

    public static Result<Input> Parse(FieldReader fields, string? address, string? deviceToken)
    {
        var email = fields.String("email", required: true, 1, 254);
        var password = fields.String("password", required: true, 1, Passwords.MaxLength, trim: false);
        var code = fields.String("code", required: false, 1, 32);
        return fields.HasErrors ? fields.ToError() : new Input(email!, password!, code, null, address, deviceToken);
    }

    /// <summary>The login page's second step: the ticket from the first and the code.</summary>
    public static Result<Input> ParseSecondStep(FieldReader fields, string? address, string? deviceToken)
    {
        var email = fields.String("email", required: true, 1, 254);
        var ticket = fields.String("ticket", required: true, 1, 2048);
        var code = fields.String("code", required: true, 1, 32);
        return fields.HasErrors ? fields.ToError() : new Input(email!, null, code, ticket, address, deviceToken);
    }

    public async Task<Result<Output>> HandleAsync(Input input, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var email = Secrets.NormalizeEmail(input.Email);
        var keys = throttle.For(email, input.Address, input.DeviceToken);
        await using var connection = await db.OpenAsync(ct);
        if (await throttle.WaitAsync(connection, keys, ct) is { } wait)
        {
            return TooManyAttempts(wait);
        }

        var user = await users.FindCredentialsAsync(connection, email, ct);
        if (input.Ticket is not null)
        {
            // The second step stands in for the password only for the user the first step named, for a few minutes.
            if (user is null || !TicketNames(input.Ticket, user.Id, email))
            {
                return new Error(401, ErrorCodes.InvalidCredentials, "This sign-in has expired. Enter your e-mail and password again.");
            }
        }
        else if (!passwords.Verify(user?.PasswordHash, input.Password!, out var rehash) || user is null)
        {
            await throttle.RecordFailureAsync(connection, keys, ct);
            return new Error(401, ErrorCodes.InvalidCredentials, "The e-mail or password is not correct.");
        }
        else if (rehash)
        {
            // The password is at hand only now: a hash made with an older work factor is replaced by today's.
            await users.SetPasswordHashAsync(connection, user.Id, passwords.Hash(input.Password!), ct);
        }

        if (user.IsVerified == 0)
        {
            return new Error(403, ErrorCodes.EmailNotVerified,
                "Verify your e-mail address first: open the link we sent, or ask for a new one at POST /dashboard/auth/resend-verification.");
        }

        if (user.TotpSecret is { } secret)
        {
            if (input.Code is null)
            {
                return new Output(null, _tickets.Protect($"{user.Id}\n{email}", TicketLifetime));
            }

            if (!await twoFactor.CheckAsync(connection, user.Id, secret, input.Code, ct))
            {
                await throttle.RecordFailureAsync(connection, keys, ct);
                return Error.Validation("code", "is not a current code of your authenticator app nor an unused recovery code");
            }
        }

        var token = Secrets.NewToken();
        var sessionId = Ids.New("ses", time);
        var expiresAt = now.Add(options.Value.SessionLifetime);
        await throttle.ClearAsync(connection, keys, ct);
        await sessions.InsertAsync(connection,
            new SessionStore.NewSession(sessionId, user.Id, Secrets.Hash(token), now.ToUnixTimeMilliseconds(), expiresAt.ToUnixTimeMilliseconds(), input.Address, input.UserAgent), ct);
        var me = await UserStore.LoadMeAsync(connection, user.Id, ct);
        return new Output(new Session(sessionId, token, now, expiresAt, me!, throttle.IssueDeviceToken(email)), null);
    }

    /// <summary>The answer to a first step that needs a code, for clients that sent none.</summary>
    public static Error SecondFactorRequired() => new(401, ErrorCodes.TwoFactorRequired,
        "This account uses two-factor authentication: send the 6-digit code from your authenticator app (or one of your recovery codes) as \"code\" with the e-mail and password.")
    {
        Details = [new ErrorDetail("code", "required for this account")],
    };

    private bool TicketNames(string ticket, string userId, string email)
    {
        try
        {
            return _tickets.Unprotect(ticket) == $"{userId}\n{email}";
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

    private static Error TooManyAttempts(TimeSpan wait)
    {
        var seconds = (int)Math.Max(1, Math.Ceiling(wait.TotalSeconds));
        return new Error(429, ErrorCodes.TooManyAttempts,
            $"Too many failed sign-ins for this e-mail address or from this network. Try again in {seconds} second{(seconds == 1 ? "" : "s")}, or reset your password.")
        {
            RetryAfterSeconds = seconds,
        };
    }
}
