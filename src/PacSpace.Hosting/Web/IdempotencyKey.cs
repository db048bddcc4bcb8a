using Microsoft.AspNetCore.Http;
using PacSpace.Hosting.Errors;

namespace PacSpace.Hosting.Web;

/// <summary>The <c>Idempotency-Key</c> header of a write: none, or 1–255 visible ASCII characters (else 400 naming the header).</summary>
public static class IdempotencyKey
{
    public const string HeaderName = "Idempotency-Key";

    public const int MaxLength = 255;

    public static Result<string?> Read(HttpRequest request)
    {
        var value = request.Headers[HeaderName].ToString();
        if (value.Length == 0)
        {
            return (string?)null;
        }

        return value.Length > MaxLength || value.Any(c => c < 0x21 || c > 0x7e)
            ? Error.Validation(HeaderName, $"must be 1 to {MaxLength} visible ASCII characters")
            : value;
    }
}
