using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PacSpace.Hosting.Web;

namespace PacSpace.Plane.Features.Tenants;

/// <summary><c>PUT</c> and <c>GET /internal/v1/tenants/{tenantId}</c>: the control plane activates a tenant's environment here.</summary>
internal static class TenantEndpoints
{
    public static IServiceCollection AddTenants(this IServiceCollection services) =>
        services.AddSingleton<CreateTenantLedger>().AddSingleton<GetTenantLedger>();

    public static void MapTenants(this RouteGroupBuilder internalApi)
    {
        internalApi.MapPut("/tenants/{tenantId}", async (string tenantId, CreateTenantLedger handler, CancellationToken ct) =>
            Envelope.From(await handler.HandleAsync(new CreateTenantLedger.Input(tenantId), ct),
                made => Envelope.Ok(made.Ledger, made.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK)));
        internalApi.MapGet("/tenants/{tenantId}", async (string tenantId, GetTenantLedger handler, CancellationToken ct) =>
            Envelope.From(await handler.HandleAsync(new GetTenantLedger.Input(tenantId), ct), ledger => Envelope.Ok(ledger)));
    }
}
