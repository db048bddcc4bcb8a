using System.Data.Common;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PacSpace.ControlPlane.Features.Auth;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Json;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Audit;

/// <summary>
/// The tenant's audit log: who changed what, when, from which address. Entries are written in the same
/// transaction as the change they describe, and never carry a secret.
/// </summary>
internal static class AuditLog
{
    public sealed record Actor(string? UserId, string? Email);

    public sealed record EntryView(string Id, DateTimeOffset At, string Action, Actor Actor, string? Ip, string? TargetId, JsonElement? Details);

    public static void Map(RouteGroupBuilder dashboard) =>
        dashboard.MapGet("/audit-log", ListAsync).WithTags("Audit log").Produces<PagedList<EntryView>>();

    public static Task WriteAsync(DbConnection connection, DbTransaction tx, HttpContext http, string action, string? targetId, object? details, TimeProvider time, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO audit_log (id, tenant_id, at, actor_id, ip, action, target_id, details)
            VALUES (@id, @tenantId, @at, @actorId, @ip, @action, @targetId, @details)
            """,
            new
            {
                id = Ids.New("aud", time),
                tenantId = http.User.TenantIdOf(),
                at = time.GetUtcNow().ToUnixTimeMilliseconds(),
                actorId = http.User.UserIdOf(),
                ip = http.Connection.RemoteIpAddress?.ToString(),
                action,
                targetId,
                details = details is null ? null : JsonSerializer.Serialize(details, JsonDefaults.Options),
            }, tx, cancellationToken: cancellationToken));

    private static async Task<IResult> ListAsync(HttpContext http, Database db, CancellationToken ct)
    {
        var paging = Paging.Read(http.Request.Query, []);
        if (!paging.IsSuccess)
        {
            return Envelope.Fail(paging.Error!);
        }

        var (page, limit) = paging.Value;
        var tenantId = http.User.TenantIdOf();
        await using var connection = await db.OpenAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM audit_log WHERE tenant_id = @tenantId", new { tenantId }, cancellationToken: ct));
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            """
            SELECT a.id, a.at, a.action, a.actor_id, u.email, a.ip, a.target_id, a.details
            FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
            WHERE a.tenant_id = @tenantId
            ORDER BY a.at DESC, a.id DESC LIMIT @limit OFFSET @offset
            """, new { tenantId, limit, offset = (page - 1) * limit }, cancellationToken: ct));
        var items = rows.Select(r => new EntryView(r.id, DateTimeOffset.FromUnixTimeMilliseconds(r.at), r.action, new Actor(r.actor_id, r.email), r.ip, r.target_id,
            r.details is null ? null : JsonDocument.Parse(r.details).RootElement.Clone())).ToList();
        return Envelope.Ok(new PagedList<EntryView>(items, total, page, limit));
    }

    private sealed record Row(string id, long at, string action, string? actor_id, string? email, string? ip, string? target_id, string? details);
}
