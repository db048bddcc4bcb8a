using System.Data.Common;
using Dapper;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>Owner of <c>verification_tokens</c>: single-use e-mail verification tokens, stored as hashes.</summary>
internal sealed class VerificationTokenStore
{
    public Task InsertAsync(DbConnection connection, DbTransaction tx, string tokenHash, string userId, long createdAt, long expiresAt, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO verification_tokens (token_hash, user_id, created_at, expires_at) VALUES (@tokenHash, @userId, @createdAt, @expiresAt)",
            new { tokenHash, userId, createdAt, expiresAt }, tx, cancellationToken: cancellationToken));

    /// <summary>Uses the token once if it is unused and unexpired; returns its user.</summary>
    public Task<string?> ConsumeAsync(DbConnection connection, DbTransaction tx, string tokenHash, long now, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            """
            UPDATE verification_tokens SET used_at = @now
            WHERE token_hash = @tokenHash AND used_at IS NULL AND expires_at > @now
            RETURNING user_id
            """, new { now, tokenHash }, tx, cancellationToken: cancellationToken));
}
