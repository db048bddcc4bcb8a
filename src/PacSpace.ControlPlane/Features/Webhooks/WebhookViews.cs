namespace PacSpace.ControlPlane.Features.Webhooks;

/// <summary>
/// An endpoint as the API and the pages show it: never a secret. <see cref="LastTriggered"/>, <see cref="SuccessCount"/>
/// and <see cref="FailureCount"/> are what the planes' deliveries report back (null and 0 until they do);
/// <see cref="PreviousSecretExpiresAt"/> is set while a rotated-out secret still signs. <see cref="DisabledAt"/> and
/// <see cref="DisabledReason"/> say when and why PacSpace disabled the endpoint (its receiver answered 410 Gone or kept
/// failing); null while it is enabled, and when a user disabled it.
/// </summary>
internal sealed record WebhookView(
    string Id,
    string Url,
    string? Description,
    string Environment,
    IReadOnlyList<string> Events,
    bool Enabled,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? LastTriggered,
    long SuccessCount,
    long FailureCount,
    DateTimeOffset? PreviousSecretExpiresAt,
    string SyncStatus,
    DateTimeOffset? DisabledAt,
    string? DisabledReason)
{
    internal static WebhookView Of(WebhookEndpointRow r, long now) =>
        new(r.Id, r.Url, r.Description, r.Environment, r.EventList, r.IsEnabled, WebhookRules.At(r.CreatedAt), WebhookRules.At(r.UpdatedAt),
            WebhookRules.At(r.LastTriggeredAt), r.SuccessCount, r.FailureCount,
            r.PreviousSecretExpiresAt > now ? WebhookRules.At(r.PreviousSecretExpiresAt) : null, r.SyncStatus,
            r.IsEnabled ? null : WebhookRules.At(r.DisabledAt), r.IsEnabled ? null : r.DisabledReason);
}

/// <summary>A new endpoint: the only answer, with a rotation's, that carries its secret.</summary>
internal sealed record CreatedWebhookView(
    string Id,
    string Url,
    string? Description,
    string Environment,
    IReadOnlyList<string> Events,
    bool Enabled,
    DateTimeOffset CreatedAt,
    string Secret,
    string SyncStatus);

/// <summary>A rotation: the new secret, and until when the previous one still signs (now, for no overlap).</summary>
internal sealed record RotatedSecretView(string Id, string Secret, DateTimeOffset PreviousSecretExpiresAt, string SyncStatus);

internal sealed record DeletedWebhookView(string Id, bool Deleted, DateTimeOffset DeletedAt, string SyncStatus);

/// <summary><c>GET /dashboard/webhooks</c>: the documented <c>{webhooks, pagination}</c> shape.</summary>
internal sealed record WebhookList(IReadOnlyList<WebhookView> Webhooks, WebhookPagination Pagination);

internal sealed record WebhookPagination(int Page, int Limit, long Total, long TotalPages);
