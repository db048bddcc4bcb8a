using Microsoft.Extensions.Options;
using PacSpace.Contracts.Webhooks;
using PacSpace.Hosting.Errors;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Webhooks;

/// <summary>
/// Sends an event again now to each endpoint it went to that is still enabled, delivered or not (the receiver asked for
/// it); the attempt is one more in the delivery's history. 404 when the tenant has no such event.
/// </summary>
internal sealed class RetryWebhookDelivery(WebhookDeliveryStore deliveries, EntryIds ids, WebhookSignal signal, IOptions<WebhookDeliveryOptions> options,
    IOptions<PlaneOptions> plane, TimeProvider time)
{
    public sealed record Input(string TenantId, string EventId);

    public async Task<Result<WebhookRetryResult>> HandleAsync(Input input, CancellationToken ct)
    {
        if (!Hosting.Data.Ids.IsValid(input.EventId, "evt"))
        {
            return Error.Validation("eventId", "must be an event id (evt_…)");
        }

        var (queued, rows) = await deliveries.RetryAsync(input.TenantId, input.EventId, time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
        if (rows.Count == 0)
        {
            return GetWebhookDelivery.NotFound();
        }

        if (queued > 0)
        {
            signal.Wake();
        }

        var max = options.Value.RetriesFor(plane.Value.EnvironmentName).Length + 1;
        return new WebhookRetryResult(input.EventId, queued, rows.Select(r => WebhookDeliveryViews.Of(r, ids, max)).ToList());
    }
}
