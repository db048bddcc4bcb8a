using PacSpace.ControlPlane.Features.Audit;
using PacSpace.Hosting.Data;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>
/// <c>POST /dashboard/auth/logout-all</c>: ends every session of the signed-in user, this one included, so every
/// cookie and every JWT issued to them stops working at once (a lost laptop, a leaked token).
/// </summary>
internal sealed class LogOutEverywhere(Database db, SessionStore sessions, AuditStore audit, TimeProvider time)
{
    public const string AuditAction = "sessions.ended";

    public sealed record Output(int SessionsEnded);

    public async Task<Output> HandleAsync(Actor actor, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var ended = await sessions.EndAllAsync(connection, tx, actor.UserId!, keepSessionId: null, time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
        await audit.WriteAsync(connection, tx, actor, AuditAction, actor.UserId, new { sessionsEnded = ended }, ct);
        await tx.CommitAsync(ct);
        return new Output(ended);
    }
}
