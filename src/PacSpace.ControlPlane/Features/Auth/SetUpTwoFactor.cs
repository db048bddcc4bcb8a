using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>
/// <c>POST /dashboard/auth/2fa/setup</c> and the two-factor page's first step: a new TOTP secret kept (sealed) as
/// pending until a code from it turns it on (<see cref="EnableTwoFactor"/>). Asking again replaces the pending secret.
/// Nothing changes for logins yet.
/// </summary>
internal sealed class SetUpTwoFactor(Database db, UserStore users, TwoFactorStore store, TwoFactor twoFactor)
{
    /// <summary>The secret in Base32 and as an <c>otpauth://</c> URI (what the QR code holds).</summary>
    public sealed record Output(string Secret, string OtpAuthUri);

    public async Task<Result<Output>> HandleAsync(Actor actor, CancellationToken ct)
    {
        var userId = actor.UserId!;
        await using var connection = await db.OpenAsync(ct);
        var state = await store.LoadAsync(connection, userId, ct);
        if (state?.TotpSecret is not null)
        {
            return AlreadyEnabled();
        }

        var account = (await users.FindByIdAsync(connection, userId, ct))!;
        var secret = TwoFactor.NewSecret();
        await store.SetPendingAsync(connection, userId, twoFactor.Seal(userId, secret), ct);
        return new Output(secret, TwoFactor.OtpAuthUri(secret, account.Email));
    }

    internal static Error AlreadyEnabled() => new(409, ErrorCodes.TwoFactorAlreadyEnabled,
        "Two-factor authentication is already on. Turn it off first (POST /dashboard/auth/2fa/disable) to enrol another authenticator.");
}
