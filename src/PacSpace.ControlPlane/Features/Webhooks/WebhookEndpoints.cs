using System.Globalization;
using Microsoft.AspNetCore.Builder;
using PacSpace.Contracts.Webhooks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PacSpace.ControlPlane.Jobs;
using PacSpace.ControlPlane.Planes;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Webhooks;

/// <summary>
/// <c>/dashboard/webhooks</c>: create, list, get, change, delete and test endpoints and rotate their secrets; the delivery
/// log of an environment (<c>/dashboard/webhooks/deliveries</c>, read from its plane) and retries; and
/// <c>GET /internal/v1/webhooks/pending</c>, the endpoint changes a starting plane reads. A secret exists in an answer
/// only when it is made (create, rotate); the database keeps it sealed, for the planes that sign with it.
/// </summary>
internal static class WebhookEndpoints
{
    // The documented request shapes; the bodies themselves are read field by field (JsonBody) so every problem is reported.
    public sealed record CreateRequest(string Url, string? Description, IReadOnlyList<string>? Events, string? Environment);

    public sealed record UpdateRequest(string? Url, string? Description, IReadOnlyList<string>? Events, bool? Enabled);

    public sealed record RotateRequest(double? OverlapHours);

    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<WebhooksOptions>().Bind(config.GetSection("Webhooks")).ValidateDataAnnotations().ValidateOnStart();
        return services.AddPlaneSync<WebhookPlaneSync, WebhookSyncOptions>(config, "WebhookSync")
            .AddSingleton<WebhookEndpointStore>()
            .AddSingleton<CreateEndpoint>()
            .AddSingleton<ListEndpoints>()
            .AddSingleton<GetEndpoint>()
            .AddSingleton<UpdateEndpoint>()
            .AddSingleton<RotateSecret>()
            .AddSingleton<DeleteEndpoint>()
            .AddSingleton<TestEndpoint>()
            .AddSingleton<ListDeliveries>()
            .AddSingleton<GetDelivery>()
            .AddSingleton<RetryDelivery>()
            .AddSingleton<WebhookMail>()
            .AddSingleton<RecordDeliveryStats>()
            .AddLeasedJob<WebhookStatsJob>();
    }

    public static void MapWebhooks(this RouteGroupBuilder dashboard)
    {
        var webhooks = dashboard.MapGroup("/webhooks").WithTags("Webhooks");
        webhooks.MapPost("/", CreateAsync).AcceptsJson<CreateRequest>().Produces<CreatedWebhookView>(201);
        webhooks.MapGet("/", ListAsync).Produces<WebhookList>().QueryParameters(
            ("environment", $"Only this environment's endpoints: {WebhookRules.AcceptedEnvironments}"),
            ("page", "Page number, from 1"),
            ("limit", $"Endpoints per page, 1 to {Paging.MaxLimit} (default {Paging.DefaultLimit})"));
        webhooks.MapGet("/{id}", async (string id, HttpContext http, GetEndpoint handler, CancellationToken ct) =>
            Envelope.From(await handler.HandleAsync(Actor.Api(http), new GetEndpoint.Input(id), ct), v => Envelope.Ok(v))).Produces<WebhookView>();
        webhooks.MapPatch("/{id}", UpdateAsync).AcceptsJson<UpdateRequest>().Produces<WebhookView>();
        webhooks.MapPost("/{id}/rotate-secret", RotateAsync).AcceptsJson<RotateRequest>().Produces<RotatedSecretView>();
        webhooks.MapDelete("/{id}", async (string id, HttpContext http, DeleteEndpoint handler, CancellationToken ct) =>
            Envelope.From(await handler.HandleAsync(Actor.Api(http), new DeleteEndpoint.Input(id), ct), v => Envelope.Ok(v, 200, "The webhook endpoint is deleted.")))
            .Produces<DeletedWebhookView>();
        webhooks.MapPost("/{id}/test", async (string id, HttpContext http, TestEndpoint handler, CancellationToken ct) =>
            Envelope.From(await handler.HandleAsync(Actor.Api(http), new TestEndpoint.Input(id), ct), v => Envelope.Ok(v, 200, v.Delivered
                ? "The ping was delivered."
                : "The ping was sent but not delivered: see statusCode and error.")))
            .Produces<WebhookTestResult>();

        // A literal segment outranks {id}: /webhooks/deliveries is never read as an endpoint id.
        var deliveries = webhooks.MapGroup("/deliveries");
        deliveries.MapGet("/", ListDeliveriesAsync).Produces<WebhookDeliveryPage>().QueryParameters(
            ("environment", $"The environment whose deliveries to list: {WebhookRules.AcceptedEnvironments}; default the user's preferred one"),
            ("status", $"Only deliveries in this state: {DeliveryQuery.AcceptedStatuses}"),
            ("limit", $"Deliveries per page, 1 to {DeliveryQuery.MaxLimit}"),
            ("offset", "Deliveries to skip, from 0"),
            ("endpointId", "Only deliveries to this endpoint (wh_…)"));
        deliveries.MapGet("/{eventId}", async (string eventId, HttpContext http, GetDelivery handler, CancellationToken ct) =>
            await OfEventAsync(http, eventId, (id, env) => handler.HandleAsync(Actor.Api(http), new GetDelivery.Input(id, env), ct), v => Envelope.Ok(v)))
            .Produces<WebhookDeliveryPage>().QueryParameters(EnvironmentParameter);
        deliveries.MapPost("/{eventId}/retry", async (string eventId, HttpContext http, RetryDelivery handler, CancellationToken ct) =>
            await OfEventAsync(http, eventId, (id, env) => handler.HandleAsync(Actor.Api(http), new RetryDelivery.Input(id, env), ct),
                v => Envelope.Ok(v, 200, v.Queued == 1 ? "1 delivery is queued for an attempt now." : $"{v.Queued} deliveries are queued for an attempt now.")))
            .Produces<WebhookRetryResult>().QueryParameters(EnvironmentParameter);
    }

    private static readonly (string Name, string Description) EnvironmentParameter =
        ("environment", $"The environment of the event: {WebhookRules.AcceptedEnvironments}; default the user's preferred one");

    public static void MapWebhookSync(this RouteGroupBuilder internalApi) =>
        internalApi.MapPending("/webhooks/pending", PacSpaceEnvironments.CurrentNames, $"{PacSpaceEnvironments.SandboxName}, {PacSpaceEnvironments.ProductionName}",
            (services, plane, after, limit, ct) => services.GetRequiredService<WebhookEndpointStore>().PendingDeliveriesAsync(plane.Name(), after, limit, ct),
            state => state.Id);

    private static async Task<IResult> CreateAsync(HttpContext http, CreateEndpoint handler, CancellationToken ct)
    {
        var input = await JsonInput.ReadAsync(http.Request, required: true, CreateEndpoint.Input.Read, ct);
        var created = input.IsSuccess ? await handler.HandleAsync(Actor.Api(http), input.Value, ct) : input.Error!;
        return Envelope.From(created, v => Envelope.Ok(v, 201, "Webhook created. Copy the secret now: it is shown only this once."));
    }

    private static async Task<IResult> ListAsync(HttpContext http, ListEndpoints handler, CancellationToken ct)
    {
        var query = JsonInput.ListQuery(http.Request.Query, WebhookRules.Environments, WebhookRules.AcceptedEnvironments);
        return query.IsSuccess
            ? Envelope.Ok(await handler.HandleAsync(Actor.Api(http), new ListEndpoints.Input(query.Value.Environment, query.Value.Page, query.Value.Limit), ct))
            : Envelope.Fail(query.Error!);
    }

    private static async Task<IResult> ListDeliveriesAsync(HttpContext http, ListDeliveries handler, CancellationToken ct)
    {
        var input = ListDeliveries.Input.Read(http.Request.Query);
        return Envelope.From(input.IsSuccess ? await handler.HandleAsync(Actor.Api(http), input.Value, ct) : input.Error!, v => Envelope.Ok(v));
    }

    /// <summary>Reads the event id and <c>?environment=</c> (the only query field of one event's routes) and runs the handler with them.</summary>
    private static async Task<IResult> OfEventAsync<T>(HttpContext http, string eventId, Func<string, PacSpaceEnvironment?, Task<Result<T>>> handle, Func<T, IResult> ok)
    {
        var query = new DeliveryQuery(http.Request.Query);
        var id = query.EventId(eventId);
        var env = query.Environment();
        return query.HasErrors ? Envelope.Fail(query.ToError()) : Envelope.From(await handle(id, env), ok);
    }

    private static async Task<IResult> UpdateAsync(string id, HttpContext http, UpdateEndpoint handler, CancellationToken ct)
    {
        var input = await JsonInput.ReadAsync(http.Request, required: true, fields => UpdateEndpoint.Input.Read(id, fields), ct);
        return Envelope.From(input.IsSuccess ? await handler.HandleAsync(Actor.Api(http), input.Value, ct) : input.Error!, v => Envelope.Ok(v));
    }

    private static async Task<IResult> RotateAsync(string id, HttpContext http, RotateSecret handler, CancellationToken ct)
    {
        var input = await JsonInput.ReadAsync(http.Request, required: false, fields => RotateSecret.Input.Read(id, fields), ct);
        var rotated = input.IsSuccess ? await handler.HandleAsync(Actor.Api(http), input.Value, ct) : input.Error!;
        return Envelope.From(rotated, v => Envelope.Ok(v, 200, string.Create(CultureInfo.InvariantCulture,
            $"Copy the new secret now: it is shown only this once. The previous secret also signs deliveries until {v.PreviousSecretExpiresAt:yyyy-MM-dd'T'HH:mm:ss'Z'}.")));
    }
}
