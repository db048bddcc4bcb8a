using Microsoft.Extensions.Options;
using PacSpace.Contracts.Webhooks;
using PacSpace.Hosting.Errors;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Webhooks;

/// <summary>One event's deliveries (one per endpoint it went to) with every attempt; 404 when the tenant has no such event.</summary>
internal sealed class GetWebhookDelivery(WebhookDeliveryStore deliveries, EntryIds ids, IOptions<WebhookDeliveryOptions> options, IOptions<PlaneOptions> plane)
{
    public sealed record Input(string TenantId, string EventId);

    public async Task<Result<WebhookDeliveryPage>> HandleAsync(Input input, CancellationToken ct)
    {
        if (!Hosting.Data.Ids.IsValid(input.EventId, "evt"))
        {
            return Error.Validation("eventId", "must be an event id (evt_…)");
        }

        var rows = await deliveries.OfEventAsync(input.TenantId, input.EventId, ct);
        if (rows.Count == 0)
        {
            return NotFound();
        }

        var attempts = await deliveries.AttemptsAsync(rows.Select(r => r.Id).ToList(), ct);
        var max = options.Value.RetriesFor(plane.Value.EnvironmentName).Length + 1;
        return new WebhookDeliveryPage(rows.Select(r => WebhookDeliveryViews.Of(r, ids, max, attempts[r.Id])).ToList(),
            new WebhookDeliveryPaging(rows.Count, 0, rows.Count));
    }

    /// <summary>The same answer for an unknown event and another tenant's.</summary>
    internal static Error NotFound() => new(404, ErrorCodes.NotFound, "No webhook event with this id was delivered for your account in this environment.");
}
