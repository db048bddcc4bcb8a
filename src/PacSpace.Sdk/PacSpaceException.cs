namespace PacSpace.Sdk;

/// <summary>One field-level problem reported by the API.</summary>
/// <param name="Field">The field, e.g. <c>delta</c> or <c>deltas[2].reason</c>.</param>
/// <param name="Issue">What is wrong and what is accepted.</param>
public sealed record PacSpaceErrorDetail(string Field, string Issue);

/// <summary>
/// The one exception the SDK throws for API and transport failures. <see cref="StatusCode"/> is the HTTP status
/// (0 when no answer arrived), <see cref="Code"/> the API's error code (<c>VALIDATION_ERROR</c>,
/// <c>INVALID_API_KEY</c>, <c>NETWORK_ERROR</c>, …). Invalid arguments throw <see cref="ArgumentException"/> before
/// anything is sent.
/// </summary>
public sealed class PacSpaceException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PacSpaceException(int statusCode, string code, string message, TimeSpan? retryAfter = null, string? requestId = null,
        IReadOnlyList<PacSpaceErrorDetail>? details = null, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Code = code;
        RetryAfter = retryAfter;
        RequestId = requestId;
        Details = details ?? [];
    }

    /// <summary>HTTP status of the last answer; 0 when none arrived (network error, timeout).</summary>
    public int StatusCode { get; }

    /// <summary>The API's error code, or <c>NETWORK_ERROR</c> / <c>TIMEOUT</c> / <c>API_ERROR</c> when the SDK made it up.</summary>
    public string Code { get; }

    /// <summary>How long the API asked to wait (from <c>retryAfterSeconds</c> or the <c>Retry-After</c> header).</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The request's id on the server (<c>X-Request-Id</c>, or the error's <c>traceId</c>), to quote to support.</summary>
    public string? RequestId { get; }

    /// <summary>Field-level problems, when the API named them.</summary>
    public IReadOnlyList<PacSpaceErrorDetail> Details { get; }
}
