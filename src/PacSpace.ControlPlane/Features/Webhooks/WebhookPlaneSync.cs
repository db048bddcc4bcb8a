using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Planes;

namespace PacSpace.ControlPlane.Features.Webhooks;

/// <summary>Webhook endpoints as the planes hold them: URL, events, enabled, deleted and the signing secrets go to the plane of the endpoint's environment.</summary>
internal sealed class WebhookPlaneSync(WebhookEndpointStore endpoints, PlaneClient planes, IOptions<WebhookSyncOptions> options) : PlaneSyncKind
{
    public override string Name => "webhook endpoint";

    public override PlaneOutbox Outbox => endpoints.Outbox;

    public override PlaneSyncOptions Options => options.Value;

    public override PacSpaceEnvironment PlaneOf(string storedEnvironment) => PacSpaceEnvironments.FromStored(storedEnvironment);

    public override async Task<long?> PushAsync(string id, CancellationToken cancellationToken)
    {
        if (await endpoints.DeliveryStateAsync(id, cancellationToken) is not { } state)
        {
            return null;
        }

        await planes.PutWebhookAsync(state, options.Value.RequestTimeout, cancellationToken);
        return state.Version;
    }
}
