using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PacSpace.ControlPlane.Jobs;
using PacSpace.ControlPlane.Planes;

namespace PacSpace.ControlPlane.Features.ApiKeys;

/// <summary>
/// Key sync between the control plane and the planes: delivery of key changes (<see cref="PlaneSync{TKind}"/> at once,
/// <see cref="PlaneDeliveryJob{TKind}"/> until it succeeds), usage read back (<see cref="KeyUsageJob"/>), and
/// <c>GET /internal/v1/keys/pending?environment=test|live</c>: the changes not yet delivered to a plane, which reads them
/// when it starts so that a key revoked while it was down never works again.
/// </summary>
internal static class KeySyncEndpoints
{
    public static IServiceCollection AddKeySync(this IServiceCollection services, IConfiguration config) =>
        services.AddPlaneSync<KeyPlaneSync, KeySyncOptions>(config, "KeySync")
            .AddLeasedJob<KeyUsageJob>();

    public static void MapKeySync(this RouteGroupBuilder internalApi) =>
        internalApi.MapPending("/keys/pending", PacSpaceEnvironments.KeyNames, $"{PacSpaceEnvironments.TestKeyName}, {PacSpaceEnvironments.LiveKeyName}",
            (services, plane, after, limit, ct) => services.GetRequiredService<ApiKeyStore>().PendingDeliveriesAsync(plane.KeyName(), after, limit, ct),
            state => state.KeyId);
}
