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
    /// <summary>Longest User-Agent kept: room for every common browser's, not for a header stuffed to fill the table.</summary>
    public const int UserAgentMaxLength = 256;

    /// <summary><c>last_used_at</c> is written at most once per this many milliseconds per session, never on every request.</summary>
    public const long LastUsedResolutionMs = 60_000;

    public sealed record NewSession(string Id, string UserId, string TokenHash, long CreatedAt, long ExpiresAt, string? Ip, string? UserAgent = null);

    /// <summary>A session that has neither ended nor expired, with the tenant of its user.</summary>
    public sealed record OpenSession(string Id, string UserId, string TenantId, long? LastUsedAt, long ExpiresAt);

    /// <summary>One of a user's sessions as the list shows it.</summary>
    public sealed record SessionRow(string Id, long CreatedAt, long? LastUsedAt, long ExpiresAt, string? Ip, string? UserAgent);

    public Task InsertAsync(DbConnection connection, NewSession session, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO sessions (id, user_id, token_hash, created_at, expires_at, ip, user_agent, last_used_at)
            VALUES (@Id, @UserId, @TokenHash, @CreatedAt, @ExpiresAt, @Ip, @UserAgent, @CreatedAt)
            """,
            session with { UserAgent = ClipUserAgent(session.UserAgent) }, cancellationToken: cancellationToken));

    /// <summary>The user's sessions that have neither ended nor expired, newest first.</summary>
    public async Task<IReadOnlyList<SessionRow>> ListOpenAsync(string userId, long now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<SessionRow>(new CommandDefinition(
            """
            SELECT id, created_at, last_used_at, expires_at, ip, user_agent FROM sessions
            WHERE user_id = @userId AND ended_at IS NULL AND expires_at > @now
            ORDER BY created_at DESC, id DESC
            """, new { userId, now }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>Ends one open session of the user; null when the user has no such open session (unknown, another user's, ended or expired).</summary>
    public Task<SessionRow?> EndOpenAsync(DbConnection connection, DbTransaction tx, string sessionId, string userId, long now, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<SessionRow>(new CommandDefinition(
            """
            UPDATE sessions SET ended_at = @now
            WHERE id = @sessionId AND user_id = @userId AND ended_at IS NULL AND expires_at > @now
            RETURNING id, created_at, last_used_at, expires_at, ip, user_agent
            """, new { now, sessionId, userId }, tx, cancellationToken: cancellationToken));

    /// <summary>
    /// Notes that the session was used, unless that was already noted within <see cref="LastUsedResolutionMs"/> (the
    /// condition is in the statement, so concurrent requests and replicas write it once).
    /// </summary>
    public async Task TouchAsync(string sessionId, long now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE sessions SET last_used_at = @now WHERE id = @sessionId AND (last_used_at IS NULL OR last_used_at <= @stale)",
            new { now, sessionId, stale = now - LastUsedResolutionMs }, cancellationToken: cancellationToken));
    }

    /// <summary>The header as sent, cut to <see cref="UserAgentMaxLength"/> (never inside a surrogate pair); none when blank.</summary>
    public static string? ClipUserAgent(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return null;
        }

        if (userAgent.Length <= UserAgentMaxLength)
        {
            return userAgent;
        }

        var length = char.IsHighSurrogate(userAgent[UserAgentMaxLength - 1]) ? UserAgentMaxLength - 1 : UserAgentMaxLength;
        return userAgent[..length];
    }

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
            SELECT s.id, s.user_id, u.tenant_id, s.last_used_at, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
            WHERE {where} AND s.ended_at IS NULL AND s.expires_at > @now
            """, new { key, now }, cancellationToken: cancellationToken));
    }
}
