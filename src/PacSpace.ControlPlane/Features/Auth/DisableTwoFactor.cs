using PacSpace.ControlPlane.Features.Audit;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>
/// <c>POST /dashboard/auth/2fa/disable {password}</c>: turns two-factor authentication off and deletes the recovery
/// codes. The password is asked again, so a session left open on someone else's screen cannot weaken the account.
/// </summary>
internal sealed class DisableTwoFactor(Database db, Passwords passwords, UserStore users, TwoFactorStore store, AuditStore audit)
{
    public const string AuditAction = "two_factor.disabled";

    public sealed record Input(string Password);

    public static Result<Input> Parse(FieldReader fields)
    {
        var password = fields.String("password", required: true, 1, Passwords.MaxLength, trim: false);
        return fields.HasErrors ? fields.ToError() : new Input(password!);
    }

    public async Task<Result<bool>> HandleAsync(Actor actor, Input input, CancellationToken ct)
    {
        var userId = actor.UserId!;
        await using var connection = await db.OpenAsync(ct);
        if (!passwords.Verify(await users.PasswordHashAsync(connection, userId, ct), input.Password, out _))
        {
            return Error.Validation("password", "is not correct");
        }

        if (await store.LoadAsync(connection, userId, ct) is not { TotpSecret: not null })
        {
            return new Error(409, ErrorCodes.TwoFactorNotSetUp, "Two-factor authentication is not on for this account.");
        }

        await using var tx = await connection.BeginTransactionAsync(ct);
        await store.DisableAsync(connection, tx, userId, ct);
        await audit.WriteAsync(connection, tx, actor, AuditAction, userId, null, ct);
        await tx.CommitAsync(ct);
        return true;
    }
}
