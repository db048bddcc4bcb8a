using System.Data.Common;
using Dapper;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>
/// Owner of the two-factor columns of <c>users</c> and of <c>recovery_codes</c>. Secrets arrive and leave sealed
/// (<see cref="TwoFactor"/> seals and opens them); recovery codes only as hashes.
/// </summary>
internal sealed class TwoFactorStore
{
    /// <summary>A user's two-factor state. Settable: the columns are usually NULL, which SQLite gives no type.</summary>
    public sealed class State
    {
        public string? TotpSecret { get; set; }

        public string? TotpPendingSecret { get; set; }

        public long? TotpEnabledAt { get; set; }

        public long RecoveryCodesLeft { get; set; }
    }

    public Task<State?> LoadAsync(DbConnection connection, string userId, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<State>(new CommandDefinition(
            """
            SELECT u.totp_secret, u.totp_pending_secret, u.totp_enabled_at,
                   (SELECT COUNT(*) FROM recovery_codes r WHERE r.user_id = u.id AND r.used_at IS NULL) AS recovery_codes_left
            FROM users u WHERE u.id = @userId
            """, new { userId }, cancellationToken: ct));

    public Task SetPendingAsync(DbConnection connection, string userId, string sealedSecret, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET totp_pending_secret = @sealedSecret WHERE id = @userId", new { sealedSecret, userId }, cancellationToken: ct));

    /// <summary>Turns the pending secret on, remembering the step its first code used so that code cannot open a login.</summary>
    public Task<int> EnableAsync(DbConnection connection, DbTransaction tx, string userId, string sealedSecret, long step, long now, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE users SET totp_secret = @sealedSecret, totp_pending_secret = NULL, totp_enabled_at = @now, totp_last_step = @step
            WHERE id = @userId AND totp_secret IS NULL
            """, new { sealedSecret, step, now, userId }, tx, cancellationToken: ct));

    public async Task DisableAsync(DbConnection connection, DbTransaction tx, string userId, CancellationToken ct)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET totp_secret = NULL, totp_pending_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL WHERE id = @userId",
            new { userId }, tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM recovery_codes WHERE user_id = @userId", new { userId }, tx, cancellationToken: ct));
    }

    /// <summary>Takes a time step for a login, once: false when that step (or a later one) was used already.</summary>
    public async Task<bool> UseStepAsync(DbConnection connection, string userId, long step, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET totp_last_step = @step WHERE id = @userId AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < @step)",
            new { step, userId }, cancellationToken: ct)) == 1;

    /// <summary>Replaces every recovery code of the user with the given hashes.</summary>
    public async Task ReplaceRecoveryCodesAsync(DbConnection connection, DbTransaction tx, string userId, IEnumerable<string> hashes, long now, CancellationToken ct)
    {
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM recovery_codes WHERE user_id = @userId", new { userId }, tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (@userId, @hash, @now)",
            hashes.Select(hash => new { userId, hash, now }), tx, cancellationToken: ct));
    }

    /// <summary>Uses a recovery code once.</summary>
    public async Task<bool> UseRecoveryCodeAsync(DbConnection connection, string userId, string hash, long now, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE recovery_codes SET used_at = @now WHERE user_id = @userId AND code_hash = @hash AND used_at IS NULL",
            new { now, userId, hash }, cancellationToken: ct)) == 1;
}
