using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PacSpace.Contracts.Keys;
using PacSpace.ControlPlane.Jobs;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.ApiKeys;

/// <summary>
/// Key sync between the control plane and the planes: delivery of key changes (<see cref="KeySync"/> at once,
/// <see cref="KeyDeliveryJob"/> until it succeeds), usage read back (<see cref="KeyUsageJob"/>), and
/// <c>GET /internal/v1/keys/pending?environment=test|live</c>: the changes not yet delivered to a plane. A plane
/// reads them when it starts, before it accepts requests, so a key revoked while it was down never works
/// again; the job's own delivery follows and marks them synced.
/// </summary>
internal static class KeySyncEndpoints
{
    private const int MaxPage = 500;

    public static IServiceCollection AddKeySync(this IServiceCollection services, IConfiguration config) =>
        services.AddJobOptions<KeySyncOptions>(config, "KeySync")
            .AddSingleton<PlaneCursorStore>()
            .AddSingleton<KeySync>()
            .AddLeasedJob<KeyDeliveryJob>()
            .AddLeasedJob<KeyUsageJob>();

    public static void MapKeySync(this RouteGroupBuilder internalApi) => internalApi.MapGet("/keys/pending", PendingAsync);

    private static async Task<IResult> PendingAsync(string? environment, string? after, ApiKeyStore keys, CancellationToken ct)
    {
        if (environment is null || !PacSpaceEnvironments.TryParseKeyName(environment, out _))
        {
            return Envelope.Fail(Error.Validation("environment", $"must be one of {PacSpaceEnvironments.TestKeyName}, {PacSpaceEnvironments.LiveKeyName}"));
        }

        var items = await keys.PendingDeliveriesAsync(environment, after ?? "", MaxPage, ct);
        return Envelope.Ok(new KeyStatePage(items, items.Count == MaxPage ? items[^1].KeyId : null));
    }
}
