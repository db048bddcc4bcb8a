using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using PacSpace.Contracts.Webhooks;
using PacSpace.ControlPlane.Features.Auth;
using PacSpace.ControlPlane.Planes;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Features.Webhooks;

/// <summary>
/// A page of the tenant's webhook delivery log in one environment, newest first, read from that environment's plane (where
/// deliveries live); optionally of one status and one endpoint.
/// </summary>
internal sealed class ListDeliveries(Database db, UserStore users, PlaneClient planes, IOptions<PlanesOptions> planesOptions)
{
    /// <param name="Environment">Null: the user's preferred environment.</param>
    /// <param name="Status">A <see cref="WebhookDeliveryStates"/> value, or null for all.</param>
    /// <param name="Limit">Null: the plane's default page size.</param>
    public sealed record Input(PacSpaceEnvironment? Environment, string? Status, int? Limit, long? Offset, string? EndpointId)
    {
        public static Result<Input> Read(IQueryCollection query)
        {
            var q = new DeliveryQuery(query);
            var env = q.Environment();
            var status = q.Status();
            var limit = q.Integer("limit", 1, DeliveryQuery.MaxLimit);
            var offset = q.Integer("offset", 0, DeliveryQuery.MaxOffset);
            var endpointId = q.EndpointId();
            return q.HasErrors ? q.ToError() : new Input(env, status, (int?)limit, offset, endpointId);
        }
    }

    public Task<Result<WebhookDeliveryPage>> HandleAsync(Actor actor, Input input, CancellationToken ct) =>
        WebhookRules.AskDeliveryPlaneAsync(db, users, actor, input.Environment,
            env => planes.ListWebhookDeliveriesAsync(env, actor.TenantId, input.Status, input.Limit, input.Offset, input.EndpointId,
                planesOptions.Value.RequestTimeout, ct),
            "its delivery log cannot be read now.", ct);
}
