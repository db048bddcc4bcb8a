namespace PacSpace.Sdk;

/// <summary>Names of the HTTP headers the PacSpace APIs read and send, for proxies, logs and tests that look at the wire.</summary>
public static class PacSpaceHeaders
{
    /// <summary>The full API key (<c>pk_….sk_…</c>) on keyed Balance API calls.</summary>
    public const string ApiKey = "X-Api-Key";

    /// <summary>The key that makes a write safe to repeat; the SDK resends the same one on every retry.</summary>
    public const string IdempotencyKey = "Idempotency-Key";

    /// <summary>The plane's chain id (<see cref="PacSpaceEnvironments.SandboxChainId"/> or <see cref="PacSpaceEnvironments.ProductionChainId"/>), sent by key prefix.</summary>
    public const string ChainId = "X-Chain-Id";

    /// <summary>The server's id of a request, quoted in <see cref="PacSpaceException.RequestId"/>.</summary>
    public const string RequestId = "X-Request-Id";

    /// <summary>How many whole seconds the server asks a client to wait before retrying.</summary>
    public const string RetryAfter = "Retry-After";

    /// <summary>A webhook delivery's signatures, <c>v1=&lt;hex&gt;[,v1=&lt;hex&gt;…]</c>.</summary>
    public const string WebhookSignature = "X-PacSpace-Signature";

    /// <summary>A webhook delivery's timestamp, Unix seconds or milliseconds.</summary>
    public const string WebhookTimestamp = "X-PacSpace-Timestamp";

    /// <summary>A webhook delivery's event type (<c>delta.verified</c>, …, <c>ping</c> for a test).</summary>
    public const string WebhookEvent = "X-Webhook-Event";

    /// <summary>A webhook delivery's event id: the same on every attempt, so a receiver can drop repeats.</summary>
    public const string WebhookEventId = "X-Event-ID";
}
