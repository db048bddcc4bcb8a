using PacSpace.ControlPlane.Features.Audit;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>
/// <c>POST /dashboard/auth/2fa/enable {code}</c>: a current code from the pending secret proves the authenticator
/// holds it; two-factor authentication is then on for every login (API of both generations and the pages), and ten
/// recovery codes are handed out, once.
/// </summary>
internal sealed class EnableTwoFactor(Database db, TwoFactorStore store, TwoFactor twoFactor, AuditStore audit, TimeProvider time)
{
    public const string AuditAction = "two_factor.enabled";

    public sealed record Input(string Code);

    public sealed record Output(IReadOnlyList<string> RecoveryCodes);

    public static Result<Input> Parse(FieldReader fields)
    {
        var code = fields.String("code", required: true, 1, 32);
        return fields.HasErrors ? fields.ToError() : new Input(code!);
    }

    public async Task<Result<Output>> HandleAsync(Actor actor, Input input, CancellationToken ct)
    {
        var userId = actor.UserId!;
        await using var connection = await db.OpenAsync(ct);
        var state = await store.LoadAsync(connection, userId, ct);
        if (state?.TotpSecret is not null)
        {
            return SetUpTwoFactor.AlreadyEnabled();
        }

        if (state?.TotpPendingSecret is not { } pending)
        {
            return new Error(409, ErrorCodes.TwoFactorNotSetUp,
                "Start with POST /dashboard/auth/2fa/setup: add its secret to your authenticator app, then send a code from it here.");
        }

        if (twoFactor.Match(twoFactor.Open(userId, pending), input.Code) is not long step)
        {
            return Error.Validation("code", "is not a current code for the new secret; check the authenticator app's clock and try the next code");
        }

        var (codes, hashes) = TwoFactor.NewRecoveryCodes(userId);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await store.EnableAsync(connection, tx, userId, pending, step, now, ct) == 0)
        {
            return SetUpTwoFactor.AlreadyEnabled();
        }

        await store.ReplaceRecoveryCodesAsync(connection, tx, userId, hashes, now, ct);
        await audit.WriteAsync(connection, tx, actor, AuditAction, userId, null, ct);
        await tx.CommitAsync(ct);
        return new Output(codes);
    }
}
