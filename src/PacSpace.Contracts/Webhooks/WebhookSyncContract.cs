namespace PacSpace.Contracts.Webhooks;

/// <summary>
/// What a plane knows of one webhook endpoint, as the control plane sends it (<c>PUT /internal/v1/webhooks/{id}</c>) and as a
/// plane catching up after a restart reads it (<c>GET /internal/v1/webhooks/pending</c> on the control plane). The plane
/// keeps the newest version it was sent; a deleted endpoint stays as a tombstone without secrets, so that an older state
/// arriving late cannot bring it back.
/// </summary>
/// <param name="Environment"><c>sandbox</c> or <c>production</c>: a plane refuses the other environment's endpoints.</param>
/// <param name="Events">The subscribed event types, in catalog order (<see cref="WebhookEvents.Catalog"/>).</param>
/// <param name="Secrets">The signing secrets, newest first: the current one, then, during a rotation overlap, the previous one until its <see cref="WebhookSigningSecret.NotAfter"/>. Empty when deleted.</param>
public sealed record WebhookEndpointState(
    string Id,
    string TenantId,
    string Environment,
    string Url,
    IReadOnlyList<string> Events,
    bool Enabled,
    bool Deleted,
    IReadOnlyList<WebhookSigningSecret> Secrets,
    long Version);

/// <summary>
/// A signing secret (<c>whsec_…</c>): HMAC-SHA256 is keyed with the UTF-8 bytes of the whole string, prefix included, as
/// the official clients verify it. <paramref name="NotAfter"/> (Unix ms) ends a previous secret's overlap; null for the current one.
/// </summary>
public sealed record WebhookSigningSecret(string Secret, long? NotAfter)
{
    public const string Prefix = "whsec_";
}
