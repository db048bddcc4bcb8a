using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PacSpace.Contracts.Reads;
using PacSpace.Hosting.Web;
using PacSpace.Plane.Features.Scopes;

namespace PacSpace.Plane.Features.LedgerReads;

/// <summary>
/// The read-only internal routes behind the dashboard's pages of an environment's data, under
/// <c>/internal/v1/tenants/{tenantId}</c> (the internal group: service secret required). The tenant is the route's; every
/// read is filtered by it, so another tenant's customer, delta or record is a 404 like an unknown one. Bad query values are
/// a 400 naming each field.
/// </summary>
internal static class LedgerReadEndpoints
{
    public const int DefaultLimit = 25;

    public static IServiceCollection AddLedgerReads(this IServiceCollection services) =>
        services.AddSingleton<ReadCustomers>().AddSingleton<ReadCustomer>();

    public static void MapLedgerReads(this RouteGroupBuilder internalApi)
    {
        var tenant = internalApi.MapGroup("/tenants/{tenantId}");
        tenant.MapGet("/customers", async (string tenantId, HttpContext http, ReadCustomers handler, CancellationToken ct) =>
        {
            var q = new QueryFields(http.Request.Query);
            var input = new ReadCustomers.Input(tenantId, q.String("by"), q.String("search"), q.String(ReadCursor.Field), Limit(q), q.Errors);
            return Envelope.From(await handler.HandleAsync(input, ct), list => Envelope.Ok(list));
        });
        tenant.MapGet("/customers/{customerId}", async (string tenantId, string customerId, HttpContext http, ReadCustomer handler, CancellationToken ct) =>
        {
            var q = new QueryFields(http.Request.Query);
            var input = new ReadCustomer.Input(tenantId, RawPath.LastSegment(http, customerId), q.String(ReadCursor.Field), Limit(q), q.Errors);
            return Envelope.From(await handler.HandleAsync(input, ct), detail => Envelope.Ok(detail));
        });
    }

    private static int Limit(QueryFields q) => (int)q.Integer("limit", DefaultLimit, 1, ReadRoutes.MaxLimit);
}
