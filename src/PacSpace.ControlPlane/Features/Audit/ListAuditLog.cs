using System.Text.Json;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Audit;

/// <summary>The tenant's audit log, newest first.</summary>
internal sealed class ListAuditLog(Database db)
{
    public sealed record Input(int Page, int Limit);

    public sealed record ActorView(string? UserId, string? Email, string Origin);

    public sealed record EntryView(string Id, DateTimeOffset At, string Action, ActorView Actor, string? Ip, string? TargetId, JsonElement? Details);

    public async Task<PagedList<EntryView>> HandleAsync(Actor actor, Input input, CancellationToken cancellationToken)
    {
        var (total, rows) = await AuditStore.ListAsync(db, actor.TenantId, input.Page, input.Limit, cancellationToken);
        var items = rows.Select(r => new EntryView(r.Id, DateTimeOffset.FromUnixTimeMilliseconds(r.At), r.Action,
            new ActorView(r.ActorId, r.Email, r.Origin), r.Ip, r.TargetId,
            r.Details is null ? null : JsonDocument.Parse(r.Details).RootElement.Clone())).ToList();
        return new PagedList<EntryView>(items, total, input.Page, input.Limit);
    }
}
