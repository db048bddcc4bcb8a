using PacSpace.ControlPlane.Features.Audit;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>
/// <c>DELETE /dashboard/auth/sessions/{id}</c> and the security page's Revoke: ends one of the signed-in user's open
/// sessions at once (its cookie and its JWT fail from the next request on). Anything else, another user's session
/// included, is 404 <c>NOT_FOUND</c>, so ids cannot be probed.
/// </summary>
internal sealed class EndSession(Database db, SessionStore sessions, AuditStore audit, TimeProvider time)
{
    public const string AuditAction = "session.revoked";

    public sealed record Input(string SessionId, string CurrentSessionId);

    /// <summary><c>current</c>: the session ended is the one that asked, so the caller is now signed out.</summary>
    public sealed record Output(string Id, bool Current, DateTimeOffset EndedAt);

    public async Task<Result<Output>> HandleAsync(Actor actor, Input input, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var ended = await sessions.EndOpenAsync(connection, tx, input.SessionId, actor.UserId!, now.ToUnixTimeMilliseconds(), ct);
        if (ended is null)
        {
            return Error.NotFound("session");
        }

        var current = ended.Id == input.CurrentSessionId;
        await audit.WriteAsync(connection, tx, actor, AuditAction, ended.Id, new { current, ipAddress = ended.Ip, userAgent = ended.UserAgent }, ct);
        await tx.CommitAsync(ct);
        return new Output(ended.Id, current, now);
    }
}
