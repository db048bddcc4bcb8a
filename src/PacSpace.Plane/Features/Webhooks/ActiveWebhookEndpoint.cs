namespace PacSpace.Plane.Features.Webhooks;

/// <summary>
/// An endpoint that receives a tenant's events: enabled, not deleted. <paramref name="Secrets"/> are the secrets to sign
/// with, newest first (the current one, then a rotated-out one until its overlap ends), each used as the HMAC-SHA256 key
/// through its UTF-8 bytes, <c>whsec_</c> prefix included: <c>X-PacSpace-Signature: v1=&lt;new&gt;,v1=&lt;old&gt;</c>.
/// </summary>
internal sealed record ActiveWebhookEndpoint(string Id, string TenantId, string Url, IReadOnlyList<string> Events, IReadOnlyList<string> Secrets);
