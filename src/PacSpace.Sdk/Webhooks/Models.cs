namespace PacSpace.Sdk.Webhooks;

#pragma warning disable CS1573 // Positional records document their members through the type summary.

/// <summary>Values of <see cref="WebhookDelivery.DeliveryStatus"/>: where a delivery stands, in PacSpace's own words.</summary>
public static class WebhookDeliveryStatuses
{
    /// <summary>Waiting for its first attempt (<see cref="WebhookDelivery.Status"/> <c>QUEUED</c>).</summary>
    public const string Pending = "pending";

    /// <summary>An attempt failed and another is scheduled (<c>PROCESSING</c>).</summary>
    public const string Retrying = "retrying";

    /// <summary>The receiver answered 2xx (<c>VERIFIED</c>).</summary>
    public const string Delivered = "delivered";

    /// <summary>Given up: attempts exhausted, or the endpoint was disabled or deleted (<c>FAILED</c>). A retry sends it again.</summary>
    public const string Failed = "failed";
}

/// <summary>
/// The outcome of a test send: a <c>ping</c> sent at once, signed like every delivery, not stored and not retried.
/// </summary>
/// <param name="EventId">The ping's event id (<c>X-Event-ID</c>).</param>
/// <param name="Delivered">Whether the receiver answered 2xx in time.</param>
/// <param name="StatusCode">The receiver's HTTP status; null when no answer came.</param>
/// <param name="LatencyMs">How long the attempt took.</param>
/// <param name="Response">At most the first 1 KB of the receiver's answer.</param>
/// <param name="Error">Why no answer came (refused address, timeout, connection refused).</param>
public sealed record WebhookTestResult(string EventId, bool Delivered, int? StatusCode, long LatencyMs, string? Response, string? Error);

/// <summary>One attempt of a delivery.</summary>
/// <param name="Attempt">1 for the first attempt.</param>
/// <param name="AttemptedAt">When it was made.</param>
/// <param name="StatusCode">The receiver's HTTP status; null when no answer came.</param>
/// <param name="LatencyMs">How long it took.</param>
/// <param name="Response">At most the first 1 KB of the receiver's answer.</param>
/// <param name="Error">Why it failed without an answer.</param>
public sealed record WebhookDeliveryAttempt(int Attempt, DateTimeOffset AttemptedAt, int? StatusCode, long LatencyMs, string? Response, string? Error);

/// <summary>One event's delivery to one endpoint.</summary>
/// <param name="EventId">The event's id (<c>X-Event-ID</c>): the same for every endpoint and every attempt.</param>
/// <param name="Event">The event type (<see cref="Dashboard.WebhookEventTypes"/>).</param>
/// <param name="EndpointId">The endpoint (<c>wh_…</c>).</param>
/// <param name="Url">Where it is sent.</param>
/// <param name="Status">The official clients' status word: <c>QUEUED</c>, <c>PROCESSING</c>, <c>VERIFIED</c> or <c>FAILED</c>.</param>
/// <param name="DeliveryStatus">PacSpace's own (<see cref="WebhookDeliveryStatuses"/>).</param>
/// <param name="Attempts">Attempts made so far.</param>
/// <param name="MaxAttempts">Attempts it gets before it is given up.</param>
/// <param name="LastStatusCode">The receiver's status at the last attempt.</param>
/// <param name="LastLatencyMs">How long the last attempt took.</param>
/// <param name="LastError">Why the last attempt failed without an answer.</param>
/// <param name="CreatedAt">When the event was queued for the endpoint.</param>
/// <param name="LastAttemptAt">When it was last attempted.</param>
/// <param name="NextAttemptAt">When the next attempt is due; null when none is scheduled.</param>
/// <param name="DeliveredAt">When the receiver answered 2xx.</param>
/// <param name="AttemptLog">Every attempt; filled when one event is read, null in lists.</param>
public sealed record WebhookDelivery(
    string EventId,
    string Event,
    string EndpointId,
    string Url,
    string Status,
    string DeliveryStatus,
    int Attempts,
    int MaxAttempts,
    int? LastStatusCode,
    long? LastLatencyMs,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? DeliveredAt,
    IReadOnlyList<WebhookDeliveryAttempt>? AttemptLog);

/// <summary>Offset paging of the delivery log.</summary>
/// <param name="Limit">The page size used.</param>
/// <param name="Offset">Deliveries skipped.</param>
/// <param name="Total">Deliveries that match.</param>
public sealed record WebhookDeliveryPaging(int Limit, long Offset, long Total);

/// <summary>A page of the delivery log, newest first; or, for one event, its delivery to each endpoint.</summary>
public sealed record WebhookDeliveryPage(IReadOnlyList<WebhookDelivery> Deliveries, WebhookDeliveryPaging Pagination);

/// <summary>The answer to a retry: the event's deliveries to endpoints that still exist and are enabled were queued for an attempt now.</summary>
/// <param name="EventId">The event.</param>
/// <param name="Queued">How many deliveries were queued.</param>
/// <param name="Deliveries">The event's deliveries as they stand now.</param>
public sealed record WebhookRetryResult(string EventId, int Queued, IReadOnlyList<WebhookDelivery> Deliveries);

#pragma warning restore CS1573
