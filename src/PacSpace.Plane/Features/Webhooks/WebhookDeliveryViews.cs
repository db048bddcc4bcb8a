using PacSpace.Contracts.Webhooks;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Webhooks;

/// <summary>How stored deliveries are answered: event ids filled in, both status words, times as instants.</summary>
internal static class WebhookDeliveryViews
{
    public static WebhookDeliveryView Of(WebhookDeliveryStore.LogRow row, EntryIds ids, int maxAttempts, IEnumerable<WebhookDeliveryStore.AttemptRow>? attempts = null) =>
        new(row.EventId ?? (row.EventType == WebhookEvents.RecordCommitted
                ? ids.CommittedEventId(row.LedgerNo!.Value, row.LogIndex!.Value)
                : ids.VerifiedEventId(row.LedgerNo!.Value, row.LogIndex!.Value)),
            row.EventType,
            row.EndpointId,
            row.Url,
            WebhookDeliveryStates.ClientStatus(row.State),
            row.State,
            (int)row.Attempts,
            maxAttempts,
            (int?)row.LastStatusCode,
            row.LastLatencyMs,
            row.LastError,
            At(row.EventAt),
            AtOrNull(row.LastAttemptAt),
            AtOrNull(row.NextAttemptAt),
            AtOrNull(row.DeliveredAt),
            attempts?.Select(a => new WebhookAttemptView((int)a.Attempt, At(a.AttemptedAt), (int?)a.StatusCode, a.LatencyMs, a.Response, a.Error)).ToList());

    private static DateTimeOffset At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static DateTimeOffset? AtOrNull(long? ms) => ms is { } v ? At(v) : null;
}
