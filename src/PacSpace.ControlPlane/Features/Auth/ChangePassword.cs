using PacSpace.ControlPlane.Features.Audit;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>
/// <c>POST /dashboard/auth/password</c>: a new password for the signed-in user, given the current one. Every other
/// session of the user ends with it (their cookies and JWTs stop working at once); the one making the change stays.
/// </summary>
internal sealed class ChangePassword(Database db, Passwords passwords, UserStore users, SessionStore sessions, AuditStore audit, TimeProvider time)
{
    public const string AuditAction = "password.changed";

    public sealed record Input(string CurrentPassword, string NewPassword, string SessionId);

    public sealed record Output(int OtherSessionsEnded);

    public static Result<Input> Parse(FieldReader fields, string sessionId)
    {
        var current = fields.String("currentPassword", required: true, 1, Passwords.MaxLength, trim: false);
        var next = fields.String("newPassword", required: true, Passwords.MinLength, Passwords.MaxLength, trim: false);
        if (current is not null && next is not null && current == next)
        {
            fields.Add("newPassword", "must differ from the current password");
        }

        return fields.HasErrors ? fields.ToError() : new Input(current!, next!, sessionId);
    }

    public async Task<Result<Output>> HandleAsync(Actor actor, Input input, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var hash = await users.PasswordHashAsync(connection, actor.UserId!, ct);
        if (!passwords.Verify(hash, input.CurrentPassword, out _))
        {
            return Error.Validation("currentPassword", "is not correct");
        }

        await using var tx = await connection.BeginTransactionAsync(ct);
        await users.SetPasswordHashAsync(connection, actor.UserId!, passwords.Hash(input.NewPassword), ct, tx);
        var ended = await sessions.EndAllAsync(connection, tx, actor.UserId!, input.SessionId, time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
        await audit.WriteAsync(connection, tx, actor, AuditAction, actor.UserId, new { otherSessionsEnded = ended }, ct);
        await tx.CommitAsync(ct);
        return new Output(ended);
    }
}
