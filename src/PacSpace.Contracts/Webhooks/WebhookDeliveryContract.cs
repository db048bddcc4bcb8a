namespace PacSpace.Contracts.Webhooks;

/// <summary>
/// What a plane's deliveries report about one endpoint (the feed <c>GET /internal/v1/webhooks/stats</c> that the control
/// plane pulls into its own columns): absolute counts of attempts that succeeded (2xx within the timeout) and that failed,
/// the last attempt's time, and, once the plane has disabled the endpoint (410 Gone, or failing for too long), when and
/// why. <see cref="ChangedAt"/> (Unix ms, plane clock) orders the feed.
/// </summary>
public sealed record WebhookEndpointStats(
    string Id,
    string TenantId,
    long SuccessCount,
    long FailureCount,
    long? LastTriggeredAt,
    long? DisabledAt,
    string? DisabledReason,
    long ChangedAt);

/// <summary>One page of the stats feed, in <c>(changedAt, id)</c> order.</summary>
public sealed record WebhookStatsPage(IReadOnlyList<WebhookEndpointStats> Items);

/// <summary>The body of <c>POST /internal/v1/webhooks/{id}/test</c>: whose endpoint the control plane means.</summary>
public sealed record WebhookTestRequest(string TenantId);

/// <summary>
/// The outcome of one test send (<c>ping</c>) to an endpoint: sent at once, not stored, not retried. <see cref="Response"/>
/// holds at most the first 1 KB of the receiver's answer; <see cref="Error"/> says why nothing came back (refused address,
/// timeout, connection refused).
/// </summary>
public sealed record WebhookTestResult(string EventId, bool Delivered, int? StatusCode, long LatencyMs, string? Response, string? Error);

/// <summary>
/// Where a delivery stands, in PacSpace's own words (<c>deliveryStatus</c>): waiting for its first attempt, waiting for a
/// retry after a failed attempt, delivered (a 2xx answer), or given up (attempts exhausted, endpoint disabled or deleted).
/// Balance answers also carry <c>status</c> in the four words the official clients force every <c>status</c> into.
/// </summary>
public static class WebhookDeliveryStates
{
    public const string Pending = "pending";
    public const string Retrying = "retrying";
    public const string Delivered = "delivered";
    public const string Failed = "failed";

    public static IReadOnlyList<string> All { get; } = [Pending, Retrying, Delivered, Failed];

    /// <summary>The client-safe <c>status</c>: QUEUED, PROCESSING, VERIFIED or FAILED.</summary>
    public static string ClientStatus(string deliveryStatus) => deliveryStatus switch
    {
        Retrying => "PROCESSING",
        Delivered => "VERIFIED",
        Failed => "FAILED",
        _ => "QUEUED",
    };

    /// <summary>A <c>status</c> filter in either vocabulary (any case) as a delivery status; null when it is neither.</summary>
    public static string? Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        Pending or "queued" => Pending,
        Retrying or "processing" => Retrying,
        Delivered or "verified" => Delivered,
        Failed => Failed,
        _ => null,
    };
}

/// <summary>One attempt of a delivery: when, the receiver's status code (none when no answer came), how long, the first 1 KB of its answer, or why it failed.</summary>
public sealed record WebhookAttemptView(int Attempt, DateTimeOffset AttemptedAt, int? StatusCode, long LatencyMs, string? Response, string? Error);

/// <summary>
/// One event's delivery to one endpoint. <see cref="EventId"/> is the event's id (<c>X-Event-ID</c>), the same for every
/// endpoint and every attempt. <see cref="Status"/> is the client-safe word, <see cref="DeliveryStatus"/> PacSpace's own.
/// <see cref="AttemptLog"/> is filled when one event is asked for, not in lists.
/// </summary>
public sealed record WebhookDeliveryView(
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
    IReadOnlyList<WebhookAttemptView>? AttemptLog);

/// <summary>Offset paging of the delivery log: the page asked for and how many deliveries match.</summary>
public sealed record WebhookDeliveryPaging(int Limit, long Offset, long Total);

/// <summary>A page of a tenant's delivery log, newest first (<c>GET /api/v1/balance/webhooks</c>).</summary>
public sealed record WebhookDeliveryPage(IReadOnlyList<WebhookDeliveryView> Deliveries, WebhookDeliveryPaging Pagination);

/// <summary>
/// The answer to a retry (<c>POST /api/v1/balance/webhooks/{eventId}/retry</c>): the event's deliveries to endpoints that
/// still exist and are enabled were queued for an attempt now (delivered ones too: the receiver asked for it again).
/// </summary>
public sealed record WebhookRetryResult(string EventId, int Queued, IReadOnlyList<WebhookDeliveryView> Deliveries);
