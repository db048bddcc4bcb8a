using System.Data.Common;
using Dapper;
using PacSpace.Hosting.Data;

namespace PacSpace.ControlPlane.Features.Access;

/// <summary>Owner of <c>approval_tokens</c>: single-use registration permits for one e-mail address, stored as hashes.</summary>
internal sealed class ApprovalTokenStore(Database db)
{
    public async Task InsertAsync(string tokenHash, string emailNormalized, long createdAt, long expiresAt, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO approval_tokens (token_hash, email_normalized, created_at, expires_at) VALUES (@tokenHash, @emailNormalized, @createdAt, @expiresAt)",
            new { tokenHash, emailNormalized, createdAt, expiresAt }, cancellationToken: cancellationToken));
    }

    /// <summary>Uses the token once, inside the registration's transaction; false if unknown, used, expired or for another address.</summary>
    public async Task<bool> ConsumeAsync(DbConnection connection, DbTransaction tx, string tokenHash, string emailNormalized, long now, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE approval_tokens SET used_at = @now
            WHERE token_hash = @tokenHash AND email_normalized = @emailNormalized AND used_at IS NULL AND expires_at > @now
            """, new { now, tokenHash, emailNormalized }, tx, cancellationToken: cancellationToken)) == 1;
}
