using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PacSpace.Contracts.Keys;
using PacSpace.Hosting.Web;
using PacSpace.Plane.Sync;

namespace PacSpace.Plane.Features.Keys;

/// <summary>
/// The control plane's side door into this plane's key store (<c>PUT /internal/v1/keys/{publicId}</c>,
/// <c>GET /internal/v1/keys/usage</c>), and <c>GET /api/v1/whoami</c> for a key's holder.
/// </summary>
internal static class KeyEndpoints
{
    public static IServiceCollection AddKeys(this IServiceCollection services)
    {
        services.AddSingleton<KeyStore>();
        services.AddSingleton<UsageRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<UsageRecorder>());
        services.AddSingleton<CatchUpFeed, KeyCatchUpFeed>();
        services.AddSingleton<KeyRateLimiter>();
        return services.AddSingleton<ApplyKeyState>().AddSingleton<ListKeyUsage>();
    }

    public static void MapKeyDelivery(this RouteGroupBuilder internalApi)
    {
        internalApi.MapPut("/keys/{publicId}", async (string publicId, HttpRequest request, ApplyKeyState handler, CancellationToken ct) =>
        {
            var state = await InternalApi.ReadMessageAsync<KeyStateMessage>(request, ct);
            return state.IsSuccess
                ? Envelope.From(await handler.HandleAsync(new ApplyKeyState.Input(publicId, state.Value), ct), output => Envelope.Ok(output))
                : Envelope.Fail(state.Error!);
        });
        internalApi.MapGet("/keys/usage", async (long? after, string? afterId, int? limit, ListKeyUsage handler, CancellationToken ct) =>
            Envelope.Ok(await handler.HandleAsync(new ListKeyUsage.Input(after, afterId, limit), ct)));
    }

    public static void MapWhoAmI(this RouteGroupBuilder api) =>
        api.MapGet("/whoami", (HttpContext http) => Envelope.Ok(ApiCaller.Of(http).WhoAmI)).WithTags("Keys").Produces<WhoAmIView>();
}
