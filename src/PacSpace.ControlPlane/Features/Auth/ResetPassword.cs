using PacSpace.ControlPlane.Features.Audit;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>
/// <c>POST /dashboard/auth/reset-password</c> and the reset page's button: a mailed token and a new password. The
/// token is used once (with every other reset token of the user); every session and JWT of the user ends; the address
/// counts as verified (the link reached it); the login throttle of the address starts afresh. Two-factor
/// authentication stays on: a reset proves the mailbox, not the second factor.
/// </summary>
internal sealed class ResetPassword(
    Database db,
    Passwords passwords,
    UserStore users,
    SessionStore sessions,
    OneTimeTokenStore tokens,
    LoginThrottle throttle,
    AuditStore audit,
    TimeProvider time)
{
    public const string AuditAction = "password.reset";

    public sealed record Input(string Token, string NewPassword);

    public sealed record Output(int SessionsEnded);

    public static Result<Input> Parse(FieldReader fields)
    {
        var token = fields.String("token", required: true, 1, 200);
        var next = fields.String("newPassword", required: true, Passwords.MinLength, Passwords.MaxLength, trim: false);
        return fields.HasErrors ? fields.ToError() : new Input(token!, next!);
    }

    public async Task<Result<Output>> HandleAsync(Input input, ActorOrigin origin, string? address, CancellationToken ct)
    {
        var hash = passwords.Hash(input.NewPassword);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await tokens.ConsumeAsync(connection, tx, OneTimeToken.PasswordReset, Secrets.Hash(input.Token), now, ct) is not { } userId)
        {
            return new Error(400, ErrorCodes.InvalidToken,
                "This reset link is unknown, already used or expired. Ask for a new one on the forgot-password page or at POST /dashboard/auth/forgot-password.");
        }

        await tokens.EndAllAsync(connection, tx, OneTimeToken.PasswordReset, userId, now, ct);
        await users.SetPasswordHashAsync(connection, userId, hash, ct, tx);
        await users.MarkVerifiedAsync(connection, tx, userId, now, ct);
        var ended = await sessions.EndAllAsync(connection, tx, userId, keepSessionId: null, now, ct);
        var account = (await users.FindByIdAsync(connection, userId, ct, tx))!;
        await throttle.ClearAddressAsync(connection, tx, Secrets.NormalizeEmail(account.Email), ct);
        await audit.WriteAsync(connection, tx, new Actor(account.TenantId, userId, origin, address), AuditAction, userId, new { sessionsEnded = ended }, ct);
        await tx.CommitAsync(ct);
        return new Output(ended);
    }
}
