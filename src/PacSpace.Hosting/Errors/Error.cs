namespace PacSpace.Hosting.Errors;

/// <summary>One field-level problem inside a <see cref="Error"/>.</summary>
public sealed record ErrorDetail(string Field, string Issue);

/// <summary>
/// An expected failure, carried as a value and turned into the wire envelope in one place
/// (<see cref="PacSpace.Hosting.Web.Envelope"/>).
/// </summary>
public sealed record Error(int Status, string Code, string Message)
{
    public IReadOnlyList<ErrorDetail>? Details { get; init; }
    public int? RetryAfterSeconds { get; init; }

    public static Error Validation(IReadOnlyList<ErrorDetail> details)
    {
        var fields = string.Join("; ", details.Select(d => $"{d.Field}: {d.Issue}"));
        return new Error(400, ErrorCodes.ValidationError, $"The request is not valid. {fields}.") { Details = details };
    }

    public static Error Validation(string field, string issue) => Validation([new ErrorDetail(field, issue)]);

    public static Error NotFound(string what = "resource") =>
        new(404, ErrorCodes.NotFound, $"The {what} was not found.");

    public static Error Unauthenticated(string message = "Sign in first: send a session cookie or an Authorization: Bearer token.") =>
        new(401, ErrorCodes.Unauthenticated, message);
}

public static class ErrorCodes
{
    public const string ValidationError = "VALIDATION_ERROR";
    public const string InvalidToken = "INVALID_TOKEN";
    public const string Unauthenticated = "UNAUTHENTICATED";
    public const string InvalidCredentials = "INVALID_CREDENTIALS";
    public const string SessionExpired = "SESSION_EXPIRED";
    public const string PlanUpgradeRequired = "PLAN_UPGRADE_REQUIRED";
    public const string CsrfRequired = "CSRF_REQUIRED";
    public const string EmailNotVerified = "EMAIL_NOT_VERIFIED";
    public const string RegistrationRequiresApproval = "REGISTRATION_REQUIRES_APPROVAL";
    public const string SelfServeDisabled = "SELF_SERVE_DISABLED";
    public const string NotFound = "NOT_FOUND";
    public const string EmailTaken = "EMAIL_TAKEN";
    public const string CustomerExists = "CUSTOMER_EXISTS";
    public const string IdempotencyKeyReused = "IDEMPOTENCY_KEY_REUSED";
    public const string EnvironmentNotActive = "ENVIRONMENT_NOT_ACTIVE";
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";
    public const string TooManyAttempts = "TOO_MANY_ATTEMPTS";
    public const string TwoFactorRequired = "TWO_FACTOR_REQUIRED";
    public const string TwoFactorAlreadyEnabled = "TWO_FACTOR_ALREADY_ENABLED";
    public const string TwoFactorNotSetUp = "TWO_FACTOR_NOT_SET_UP";
    public const string RateLimited = "RATE_LIMITED";
    public const string ServiceUnavailable = "SERVICE_UNAVAILABLE";
    public const string InternalError = "INTERNAL_ERROR";
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";
    public const string MissingApiKey = "MISSING_API_KEY";
    public const string InvalidApiKey = "INVALID_API_KEY";
    public const string ApiKeyDisabled = "API_KEY_DISABLED";
    public const string ApiKeyExpired = "API_KEY_EXPIRED";
    public const string ApiKeyRevoked = "API_KEY_REVOKED";
    public const string ApiKeyEnvironmentHostMismatch = "API_KEY_ENVIRONMENT_HOST_MISMATCH";
    public const string ContractNotDeployed = "CONTRACT_NOT_DEPLOYED";
    public const string PlanRequired = "PLAN_REQUIRED";
    public const string EnvironmentMismatch = "ENVIRONMENT_MISMATCH";
    public const string WebhookLimitReached = "WEBHOOK_LIMIT_REACHED";
    public const string WebhookDisabled = "WEBHOOK_DISABLED";
    public const string WebhookNotSynced = "WEBHOOK_NOT_SYNCED";
}
