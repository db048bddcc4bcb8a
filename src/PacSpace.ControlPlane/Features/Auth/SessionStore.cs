using System.Data.Common;
using Dapper;
using PacSpace.Hosting.Data;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>
/// Owner of <c>sessions</c>: one row per login, shared by its JWT (which names the row) and its cookie (whose
/// secret is stored only as a hash). Ending the row ends both.
/// </summary>
internal sealed class SessionStore(Database db)
{
    public sealed record NewSession(string Id, string UserId, string TokenHash, long CreatedAt, long ExpiresAt, string? Ip);

    /// <summary>A session that has neither ended nor expired, with the tenant of its user.</summary>
    public sealed record OpenSession(string Id, string UserId, string TenantId);

    public Task InsertAsync(DbConnection connection, NewSession session, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO sessions (id, user_id, token_hash, created_at, expires_at, ip) VALUES (@Id, @UserId, @TokenHash, @CreatedAt, @ExpiresAt, @Ip)",
            session, cancellationToken: cancellationToken));

    public async Task EndAsync(string sessionId, string userId, long now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE sessions SET ended_at = @now WHERE id = @sessionId AND user_id = @userId AND ended_at IS NULL",
            new { now, sessionId, userId }, cancellationToken: cancellationToken));
    }

    /// <summary>Ends every open session of the user, except <paramref name="keepSessionId"/> when given. Returns how many ended.</summary>
    public Task<int> EndAllAsync(DbConnection connection, DbTransaction tx, string userId, string? keepSessionId, long now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "UPDATE sessions SET ended_at = @now WHERE user_id = @userId AND ended_at IS NULL AND (@keep IS NULL OR id <> @keep)",
            new { now, userId, keep = keepSessionId }, tx, cancellationToken: cancellationToken));

    public Task<OpenSession?> FindOpenByIdAsync(string sessionId, long now, CancellationToken cancellationToken) =>
        FindOpenAsync("s.id = @key", sessionId, now, cancellationToken);

    public Task<OpenSession?> FindOpenByTokenHashAsync(string tokenHash, long now, CancellationToken cancellationToken) =>
        FindOpenAsync("s.token_hash = @key", tokenHash, now, cancellationToken);

    private async Task<OpenSession?> FindOpenAsync(string where, string key, long now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<OpenSession>(new CommandDefinition(
            $"""
            SELECT s.id, s.user_id, u.tenant_id FROM sessions s JOIN users u ON u.id = s.user_id
            WHERE {where} AND s.ended_at IS NULL AND s.expires_at > @now
            """, new { key, now }, cancellationToken: cancellationToken));
    }
}
