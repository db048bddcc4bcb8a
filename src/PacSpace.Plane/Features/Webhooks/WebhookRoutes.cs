using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PacSpace.Contracts.Webhooks;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;
using PacSpace.Plane.Features.Keys;
using PacSpace.Plane.Features.Scopes;
using PacSpace.Plane.Sync;

namespace PacSpace.Plane.Features.Webhooks;

/// <summary>
/// Webhooks on a plane. Internal: the control plane delivers endpoints here (<c>PUT /internal/v1/webhooks/{webhookId}</c>,
/// and the start-up catch-up), reads the stats feed, asks for test sends and reads tenants' delivery logs. Balance API:
/// <c>GET /api/v1/balance/webhooks</c> (the key's delivery log), <c>GET …/webhooks/{eventId}</c> and
/// <c>POST …/webhooks/{eventId}/retry</c>. The dispatcher delivers in the background.
/// </summary>
internal static class WebhookRoutes
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration config)
    {
        services.AddOptions<WebhookDeliveryOptions>().Bind(config.GetSection("Webhooks")).ValidateDataAnnotations()
            .Validate(o => o.ProductionRetries.Concat(o.SandboxRetries).All(w => w > TimeSpan.Zero && w <= TimeSpan.FromDays(7)),
                "Webhooks:ProductionRetries and Webhooks:SandboxRetries must be waits above zero and at most 7 days.")
            .Validate(o => o.ConcurrencyPerEndpoint <= o.MaxConcurrency, "Webhooks:ConcurrencyPerEndpoint must not exceed Webhooks:MaxConcurrency.")
            .ValidateOnStart();
        services.AddSingleton<WebhookEndpointStore>()
            .AddSingleton<ApplyWebhookEndpoint>()
            .AddSingleton<CatchUpFeed, WebhookCatchUpFeed>()
            .AddSingleton<WebhookDeliveryStore>()
            .AddSingleton<WebhookPayloads>()
            .AddSingleton<WebhookSender>()
            .AddSingleton<WebhookSignal>()
            .AddSingleton<ListWebhookDeliveries>()
            .AddSingleton<GetWebhookDelivery>()
            .AddSingleton<RetryWebhookDelivery>()
            .AddSingleton<SendTestWebhook>()
            .AddSingleton<ListWebhookStats>()
            .AddSingleton<WebhookDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        return services;
    }

    public static void MapWebhookSync(this RouteGroupBuilder internalApi)
    {
        internalApi.MapPut("/webhooks/{webhookId}", async (string webhookId, HttpRequest request, ApplyWebhookEndpoint handler, CancellationToken ct) =>
        {
            var state = await InternalApi.ReadMessageAsync<WebhookEndpointState>(request, ct);
            return state.IsSuccess
                ? Envelope.From(await handler.HandleAsync(new ApplyWebhookEndpoint.Input(webhookId, state.Value), ct), output => Envelope.Ok(output))
                : Envelope.Fail(state.Error!);
        });
        internalApi.MapGet("/webhooks/stats", async (long? after, string? afterId, int? limit, ListWebhookStats handler, CancellationToken ct) =>
            Envelope.Ok(await handler.HandleAsync(new ListWebhookStats.Input(after, afterId, limit), ct)));
        internalApi.MapPost("/webhooks/{webhookId}/test", async (string webhookId, HttpRequest request, SendTestWebhook handler, CancellationToken ct) =>
        {
            var body = await InternalApi.ReadMessageAsync<WebhookTestRequest>(request, ct);
            return body.IsSuccess
                ? Envelope.From(await handler.HandleAsync(new SendTestWebhook.Input(webhookId, body.Value?.TenantId), ct), result => Envelope.Ok(result))
                : Envelope.Fail(body.Error!);
        });
        internalApi.MapGet("/tenants/{tenantId}/webhook-deliveries", (string tenantId, HttpContext http, ListWebhookDeliveries handler, CancellationToken ct) =>
            ListAsync(tenantId, http, handler, ct));
        internalApi.MapGet("/tenants/{tenantId}/webhook-deliveries/{eventId}", async (string tenantId, string eventId, GetWebhookDelivery handler, CancellationToken ct) =>
            Envelope.From(await handler.HandleAsync(new GetWebhookDelivery.Input(tenantId, eventId), ct), page => Envelope.Ok(page)));
        internalApi.MapPost("/tenants/{tenantId}/webhook-deliveries/{eventId}/retry", async (string tenantId, string eventId, RetryWebhookDelivery handler, CancellationToken ct) =>
            Envelope.From(await handler.HandleAsync(new RetryWebhookDelivery.Input(tenantId, eventId), ct), result => Envelope.Ok(result)));
    }

    /// <summary>The delivery log and retries of the key's account in this plane's environment.</summary>
    public static void MapWebhookDeliveries(this RouteGroupBuilder balance)
    {
        balance.MapGet("/webhooks", (HttpContext http, ListWebhookDeliveries handler, CancellationToken ct) => ListAsync(ApiCaller.Of(http).TenantId, http, handler, ct))
            .Produces<WebhookDeliveryPage>()
            .QueryParameters([("status", "pending, retrying, delivered or failed (or QUEUED, PROCESSING, VERIFIED, FAILED)"), ("endpointId", "only deliveries to this endpoint"),
                ("limit", "1–100 (default 20)"), ("offset", "default 0")]);
        balance.MapGet("/webhooks/{eventId}", async (string eventId, HttpContext http, GetWebhookDelivery handler, CancellationToken ct) =>
                Envelope.From(await handler.HandleAsync(new GetWebhookDelivery.Input(ApiCaller.Of(http).TenantId, RawPath.LastSegment(http, eventId)), ct), page => Envelope.Ok(page)))
            .Produces<WebhookDeliveryPage>();
        balance.MapPost("/webhooks/{eventId}/retry", async (string eventId, HttpContext http, RetryWebhookDelivery handler, CancellationToken ct) =>
            {
                // The official client sends {}; any JSON object is accepted and nothing in it is read.
                var body = await JsonBody.ReadOptionalAsync(http.Request, ct);
                if (!body.IsSuccess)
                {
                    return Envelope.Fail(body.Error!);
                }

                return Envelope.From(await handler.HandleAsync(new RetryWebhookDelivery.Input(ApiCaller.Of(http).TenantId, eventId), ct), result => Envelope.Ok(result));
            })
            .Produces<WebhookRetryResult>();
    }

    private static async Task<IResult> ListAsync(string tenantId, HttpContext http, ListWebhookDeliveries handler, CancellationToken ct)
    {
        var q = new QueryFields(http.Request.Query);
        var limit = (int)q.Integer("limit", 20, 1, ListWebhookDeliveries.MaxLimit);
        var offset = q.Integer("offset", 0, 0, 1_000_000_000);
        var input = new ListWebhookDeliveries.Input(tenantId, q.String("status"), q.String("endpointId"), limit, offset, q.Errors);
        return Envelope.From(await handler.HandleAsync(input, ct), page => Envelope.Ok(page));
    }
}
