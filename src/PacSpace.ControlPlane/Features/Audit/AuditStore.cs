using System.Data.Common;
using System.Text.Json;
using Dapper;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Json;

namespace PacSpace.ControlPlane.Features.Audit;

/// <summary>
/// Owner of <c>audit_log</c>: who changed what, when, from where. Entries are written in the same transaction as
/// the change they describe, and never carry a secret.
/// </summary>
internal sealed class AuditStore(TimeProvider time)
{
    public sealed record Entry(string Id, long At, string Action, string? ActorId, string? Email, string Origin, string? Ip, string? TargetId, string? Details);

    public Task WriteAsync(DbConnection connection, DbTransaction tx, Actor actor, string action, string? targetId, object? details, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO audit_log (id, tenant_id, at, actor_id, origin, ip, action, target_id, details)
            VALUES (@id, @tenantId, @at, @actorId, @origin, @ip, @action, @targetId, @details)
            """,
            new
            {
                id = Ids.New("aud", time),
                tenantId = actor.TenantId,
                at = time.GetUtcNow().ToUnixTimeMilliseconds(),
                actorId = actor.UserId,
                origin = actor.Origin.Name(),
                ip = actor.Address,
                action,
                targetId,
                details = details is null ? null : JsonSerializer.Serialize(details, JsonDefaults.Options),
            }, tx, cancellationToken: cancellationToken));

    public static async Task<(long Total, IReadOnlyList<Entry> Items)> ListAsync(Database db, string tenantId, int page, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM audit_log WHERE tenant_id = @tenantId", new { tenantId }, cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<Entry>(new CommandDefinition(
            """
            SELECT a.id, a.at, a.action, a.actor_id, u.email, a.origin, a.ip, a.target_id, a.details
            FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
            WHERE a.tenant_id = @tenantId
            ORDER BY a.at DESC, a.id DESC LIMIT @limit OFFSET @offset
            """, new { tenantId, limit, offset = (page - 1) * limit }, cancellationToken: cancellationToken));
        return (total, rows.ToList());
    }

    /// <summary>
    /// A keyset page of the tenant's entries, newest first (by time, the time-ordered id breaking ties), after <c>(afterAt,
    /// afterId)</c> when given; of one action, or of the actions starting with <paramref name="actionPrefix"/>; recorded in
    /// <c>[fromMs, toMs)</c> when given. Read along the tenant's <c>(tenant_id, at)</c> index.
    /// </summary>
    public static async Task<IReadOnlyList<Entry>> PageAsync(Database db, string tenantId, string? action, string? actionPrefix, long? fromMs, long? toMs,
        long? afterAt, string? afterId, int take, CancellationToken cancellationToken)
    {
        var id = "a.id" + ByteOrder.Collate(db.Provider);
        var sql = "WHERE a.tenant_id = @tenantId"
            + (action is null ? "" : " AND a.action = @action")
            + (actionPrefix is null ? "" : " AND a.action >= @actionPrefix AND a.action < @prefixEnd")
            + (fromMs is null ? "" : " AND a.at >= @fromMs")
            + (toMs is null ? "" : " AND a.at < @toMs")
            + (afterAt is null ? "" : $" AND a.at <= @afterAt AND (a.at < @afterAt OR {id} < @afterId)");
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Entry>(new CommandDefinition(
            $"""
            SELECT a.id, a.at, a.action, a.actor_id, u.email, a.origin, a.ip, a.target_id, a.details
            FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
            {sql}
            ORDER BY a.at DESC, {id} DESC LIMIT @take
            """,
            new { tenantId, action, actionPrefix, prefixEnd = actionPrefix is null ? null : ByteOrder.PrefixEnd(actionPrefix), fromMs, toMs, afterAt, afterId, take },
            cancellationToken: cancellationToken));
        return rows.ToList();
    }
}
