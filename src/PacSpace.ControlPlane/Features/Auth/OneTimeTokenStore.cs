using System.Data.Common;
using Dapper;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>What a single-use mailed token proves.</summary>
internal enum OneTimeToken
{
    /// <summary>The address is the user's (<c>verification_tokens</c>).</summary>
    Verification,

    /// <summary>The mailbox's reader may set a new password (<c>password_reset_tokens</c>).</summary>
    PasswordReset,
}

/// <summary>Owner of <c>verification_tokens</c> and <c>password_reset_tokens</c>: single-use mailed tokens, stored as hashes.</summary>
internal sealed class OneTimeTokenStore
{
    public Task InsertAsync(DbConnection connection, DbTransaction tx, OneTimeToken kind, string tokenHash, string userId, long createdAt, long expiresAt, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO {Table(kind)} (token_hash, user_id, created_at, expires_at) VALUES (@tokenHash, @userId, @createdAt, @expiresAt)",
            new { tokenHash, userId, createdAt, expiresAt }, tx, cancellationToken: cancellationToken));

    /// <summary>Uses the token once if it is unused and unexpired; returns its user.</summary>
    public Task<string?> ConsumeAsync(DbConnection connection, DbTransaction tx, OneTimeToken kind, string tokenHash, long now, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            $"""
            UPDATE {Table(kind)} SET used_at = @now
            WHERE token_hash = @tokenHash AND used_at IS NULL AND expires_at > @now
            RETURNING user_id
            """, new { now, tokenHash }, tx, cancellationToken: cancellationToken));

    /// <summary>Ends every other unused token of this kind for the user (a reset link works once, and only the newest use counts).</summary>
    public Task EndAllAsync(DbConnection connection, DbTransaction tx, OneTimeToken kind, string userId, long now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE {Table(kind)} SET used_at = @now WHERE user_id = @userId AND used_at IS NULL",
            new { now, userId }, tx, cancellationToken: cancellationToken));

    private static string Table(OneTimeToken kind) => kind switch
    {
        OneTimeToken.Verification => "verification_tokens",
        OneTimeToken.PasswordReset => "password_reset_tokens",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
