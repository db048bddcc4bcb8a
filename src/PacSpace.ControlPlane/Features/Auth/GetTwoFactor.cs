using PacSpace.Hosting.Data;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>Whether two-factor authentication is on for a user, as <c>GET /dashboard/auth/2fa</c> and the two-factor page show it.</summary>
public sealed record TwoFactorView(bool Enabled, DateTimeOffset? EnabledAt, long RecoveryCodesLeft, bool SetupPending);

/// <summary>
/// <c>GET /dashboard/auth/2fa</c> and the two-factor page: the user's two-factor state, and — for the page, which shows
/// its QR code again on reload — a secret set up but not yet turned on. One read of the user's row.
/// </summary>
internal sealed class GetTwoFactor(Database db, UserStore users, TwoFactorStore store, TwoFactor twoFactor)
{
    public sealed record Output(TwoFactorView Status, SetUpTwoFactor.Output? Pending);

    public async Task<Output> HandleAsync(Actor actor, bool withPendingSecret, CancellationToken ct)
    {
        var userId = actor.UserId!;
        await using var connection = await db.OpenAsync(ct);
        var state = await store.LoadAsync(connection, userId, ct);
        var status = new TwoFactorView(state?.TotpSecret is not null,
            state?.TotpEnabledAt is long at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null,
            state?.TotpSecret is null ? 0 : state.RecoveryCodesLeft, state is { TotpSecret: null, TotpPendingSecret: not null });
        if (!withPendingSecret || state is not { TotpSecret: null, TotpPendingSecret: { } pending })
        {
            return new Output(status, null);
        }

        var account = (await users.FindByIdAsync(connection, userId, ct))!;
        var secret = twoFactor.Open(userId, pending);
        return new Output(status, new SetUpTwoFactor.Output(secret, TwoFactor.OtpAuthUri(secret, account.Email)));
    }
}
