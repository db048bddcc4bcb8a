namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>
/// Turns a presented dashboard credential — the JWT of <c>Authorization: Bearer</c> or the session cookie's value —
/// into the open session it names, and notes the use. The authentication handler of <c>/dashboard/*</c> and the
/// planes' authorisation call (<see cref="AuthorizeUser"/>) share it, so both accept exactly the same sessions.
/// </summary>
internal sealed class Sessions(JwtIssuer jwt, SessionStore store)
{
    /// <summary>What a presented credential came to.</summary>
    /// <param name="Session">The open session, or none.</param>
    /// <param name="BadToken">A bearer token that is not a valid JWT of ours (malformed, wrong signature, expired).</param>
    public readonly record struct Found(SessionStore.OpenSession? Session, bool BadToken);

    public async Task<Found> FromBearerAsync(string token, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sessionId = await jwt.ValidateAsync(token, now);
        return sessionId is null
            ? new Found(null, true)
            : new Found(await store.FindOpenByIdAsync(sessionId, now.ToUnixTimeMilliseconds(), cancellationToken), false);
    }

    public async Task<Found> FromCookieAsync(string cookie, DateTimeOffset now, CancellationToken cancellationToken) =>
        new(await store.FindOpenByTokenHashAsync(Secrets.Hash(cookie), now.ToUnixTimeMilliseconds(), cancellationToken), false);

    /// <summary>The list of sessions shows when each was last used, to the minute: one write a minute, not one per request.</summary>
    public async Task NoteUseAsync(SessionStore.OpenSession session, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        if (session.LastUsedAt is not long lastUsed || nowMs - lastUsed >= SessionStore.LastUsedResolutionMs)
        {
            await store.TouchAsync(session.Id, nowMs, cancellationToken);
        }
    }
}
