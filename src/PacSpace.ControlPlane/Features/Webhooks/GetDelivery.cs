using Microsoft.Extensions.Options;
using PacSpace.Contracts.Webhooks;
using PacSpace.ControlPlane.Features.Auth;
using PacSpace.ControlPlane.Planes;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Features.Webhooks;

/// <summary>One event's deliveries in one environment, each with its attempts, from that environment's plane; another tenant's or an unknown event is a 404.</summary>
internal sealed class GetDelivery(Database db, UserStore users, PlaneClient planes, IOptions<PlanesOptions> planesOptions)
{
    /// <param name="Environment">Null: the user's preferred environment.</param>
    public sealed record Input(string EventId, PacSpaceEnvironment? Environment);

    public Task<Result<WebhookDeliveryPage>> HandleAsync(Actor actor, Input input, CancellationToken ct) =>
        WebhookRules.AskDeliveryPlaneAsync(db, users, actor, input.Environment,
            env => planes.GetWebhookDeliveryAsync(env, actor.TenantId, input.EventId, planesOptions.Value.RequestTimeout, ct),
            "its delivery log cannot be read now.", ct);
}
