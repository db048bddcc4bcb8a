using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PacSpace.Contracts.Webhooks;
using PacSpace.Hosting.Web;
using PacSpace.Plane.Sync;

namespace PacSpace.Plane.Features.Webhooks;

/// <summary>
/// Webhook endpoints on a plane: the control plane delivers them here (<c>PUT /internal/v1/webhooks/{webhookId}</c>, and
/// the start-up catch-up of pending ones); <see cref="WebhookEndpointStore"/> gives them to the delivery engine.
/// </summary>
internal static class WebhookRoutes
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services) =>
        services.AddSingleton<WebhookEndpointStore>()
            .AddSingleton<ApplyWebhookEndpoint>()
            .AddSingleton<CatchUpFeed, WebhookCatchUpFeed>();

    public static void MapWebhookSync(this RouteGroupBuilder internalApi) =>
        internalApi.MapPut("/webhooks/{webhookId}", async (string webhookId, HttpRequest request, ApplyWebhookEndpoint handler, CancellationToken ct) =>
        {
            var state = await InternalApi.ReadMessageAsync<WebhookEndpointState>(request, ct);
            return state.IsSuccess
                ? Envelope.From(await handler.HandleAsync(new ApplyWebhookEndpoint.Input(webhookId, state.Value), ct), output => Envelope.Ok(output))
                : Envelope.Fail(state.Error!);
        });
}
