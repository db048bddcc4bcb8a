using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Json;

namespace PacSpace.Hosting.Web;

/// <summary>The contract between PacSpace services on their <c>/internal/*</c> routes.</summary>
public static class InternalApi
{
    /// <summary>Header carrying the shared service secret.</summary>
    public const string SecretHeader = "X-PacSpace-Service-Secret";

    /// <summary>
    /// The <c>/internal/v1</c> group: hidden from the OpenAPI document and refused without the service secret.
    /// </summary>
    public static RouteGroupBuilder MapInternalApi(this IEndpointRouteBuilder endpoints, string serviceSecret)
    {
        var secretHash = SHA256.HashData(Encoding.UTF8.GetBytes(serviceSecret));
        var group = endpoints.MapGroup("/internal/v1").ExcludeFromDescription();
        group.AddEndpointFilter((context, next) =>
        {
            var presented = context.HttpContext.Request.Headers[SecretHeader].ToString();
            // Hash first so the comparison is constant-time whatever the presented length.
            if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), secretHash))
            {
                return ValueTask.FromResult<object?>(Envelope.Fail(new Error(401, ErrorCodes.Unauthenticated,
                    $"Internal routes need the service secret in {SecretHeader}.")));
            }

            return next(context);
        });
        return group;
    }

    /// <summary>
    /// The body of an internal call as the contract type both ends share (null for a JSON <c>null</c>); JSON that does not
    /// fit it is a <c>VALIDATION_ERROR</c> naming the body.
    /// </summary>
    public static async Task<Result<T?>> ReadMessageAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(request.Body, JsonDefaults.Options, cancellationToken);
        }
        catch (JsonException ex)
        {
            return Error.Validation("body", ex.Message);
        }
    }
}
