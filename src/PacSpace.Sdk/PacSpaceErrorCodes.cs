namespace PacSpace.Sdk;

/// <summary>Values of <see cref="PacSpaceException.Code"/> that callers commonly branch on; the API may send others.</summary>
public static class PacSpaceErrorCodes
{
    /// <summary>A field is missing or out of range; <see cref="PacSpaceException.Details"/> names it.</summary>
    public const string ValidationError = "VALIDATION_ERROR";

    /// <summary>The key is malformed, unknown or its secret is wrong (HTTP 401); also the SDK's name for a 401 the API did not explain.</summary>
    public const string InvalidApiKey = "INVALID_API_KEY";

    /// <summary>The account uses two-factor authentication and the login sent no code (HTTP 401): log in again with one.</summary>
    public const string TwoFactorRequired = "TWO_FACTOR_REQUIRED";

    /// <summary>
    /// A dashboard call, or a customer creation, without a usable dashboard token (HTTP 401): none was sent, its session has
    /// ended, or it belongs to a user of another account than the API key.
    /// </summary>
    public const string Unauthenticated = "UNAUTHENTICATED";

    /// <summary>The customer exists with other details (HTTP 409); creating it with the same details answers it instead.</summary>
    public const string CustomerExists = "CUSTOMER_EXISTS";

    /// <summary>A test send to a webhook endpoint that is disabled (HTTP 409): enable it first.</summary>
    public const string WebhookDisabled = "WEBHOOK_DISABLED";

    /// <summary>A test send to a webhook endpoint its environment does not have enabled yet (HTTP 409): try again in a few seconds.</summary>
    public const string WebhookNotSynced = "WEBHOOK_NOT_SYNCED";

    /// <summary>The resource does not exist (HTTP 404).</summary>
    public const string NotFound = "NOT_FOUND";

    /// <summary>Too many requests (HTTP 429); retried.</summary>
    public const string RateLimited = "RATE_LIMITED";

    /// <summary>A 429 that, like the official clients, the SDK never retries.</summary>
    public const string CadenceLimit = "CADENCE_LIMIT";

    /// <summary>The plan's allowance is used up and writes are refused.</summary>
    public const string PlanLimitReached = "PLAN_LIMIT_REACHED";

    /// <summary>A request with the same <c>Idempotency-Key</c> is still in progress; retried.</summary>
    public const string IdempotencyPending = "IDEMPOTENCY_PENDING";

    /// <summary>The service is briefly unavailable (HTTP 503); retried.</summary>
    public const string ServiceUnavailable = "SERVICE_UNAVAILABLE";

    /// <summary>Made by the SDK: no answer arrived (connection refused, reset, DNS).</summary>
    public const string NetworkError = "NETWORK_ERROR";

    /// <summary>Made by the SDK: an attempt or a wait took longer than allowed.</summary>
    public const string Timeout = "TIMEOUT";

    /// <summary>Made by the SDK: an answer it could not read, or a failure the API did not name.</summary>
    public const string ApiError = "API_ERROR";

    /// <summary>Made by <see cref="Webhooks.WebhookVerifier"/>: a delivery is unsigned, forged, stale or not JSON.</summary>
    public const string WebhookVerificationFailed = "WEBHOOK_VERIFICATION_FAILED";
}
