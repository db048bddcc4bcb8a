namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>
/// <c>GET /dashboard/auth/sessions</c> and the security page: the signed-in user's open sessions (neither ended nor
/// expired), newest first, the one making the request marked <c>current</c>.
/// </summary>
internal sealed class ListSessions(SessionStore sessions, TimeProvider time)
{
    public sealed record Input(string CurrentSessionId);

    /// <summary>
    /// One session: <c>lastUsedAt</c> is to the minute (null for a session not used since before it was recorded);
    /// <c>userAgent</c> is the login's header as sent, clipped, or null when none was sent.
    /// </summary>
    public sealed record SessionView(
        string Id,
        DateTimeOffset CreatedAt,
        DateTimeOffset? LastUsedAt,
        DateTimeOffset ExpiresAt,
        string? IpAddress,
        string? UserAgent,
        bool Current);

    public sealed record Output(IReadOnlyList<SessionView> Sessions);

    public async Task<Output> HandleAsync(Actor actor, Input input, CancellationToken ct)
    {
        var rows = await sessions.ListOpenAsync(actor.UserId!, time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
        return new Output(rows.Select(r => new SessionView(
            r.Id,
            DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt),
            r.LastUsedAt is long used ? DateTimeOffset.FromUnixTimeMilliseconds(used) : null,
            DateTimeOffset.FromUnixTimeMilliseconds(r.ExpiresAt),
            r.Ip,
            r.UserAgent,
            r.Id == input.CurrentSessionId)).ToList());
    }
}
