using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Audit;

internal static class AuditEndpoints
{
    public static IServiceCollection AddAudit(this IServiceCollection services) =>
        services.AddSingleton<AuditStore>().AddSingleton<ListAuditLog>().AddSingleton<SearchAuditLog>();

    public static void MapAudit(this RouteGroupBuilder dashboard) =>
        dashboard.MapGet("/audit-log", async (HttpContext http, ListAuditLog handler, CancellationToken ct) =>
        {
            var paging = Paging.Read(http.Request.Query, []);
            return paging.IsSuccess
                ? Envelope.Ok(await handler.HandleAsync(Actor.Api(http), new ListAuditLog.Input(paging.Value.Page, paging.Value.Limit), ct))
                : Envelope.Fail(paging.Error!);
        }).WithTags("Audit log").Produces<PagedList<ListAuditLog.EntryView>>();
}
