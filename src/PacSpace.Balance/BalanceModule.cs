using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PacSpace.Balance.Features.Tenants;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.Balance;

/// <summary>A Sandbox or Production plane: Balance API, public verify, internal API for the control plane.</summary>
public static class BalanceModule
{
    public static WebApplicationBuilder AddPlane(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(EnvelopeStyle.Plane);
        builder.Services.AddOptions<PlaneOptions>().Bind(builder.Configuration.GetSection("Plane")).ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }

    public static WebApplication MapPlane(this WebApplication app)
    {
        app.UsePacSpaceErrors();
        var options = app.Services.GetRequiredService<IOptions<PlaneOptions>>().Value;
        var secretHash = SHA256.HashData(Encoding.UTF8.GetBytes(options.ServiceSecret));

        var internalApi = app.MapGroup("/internal/v1").ExcludeFromDescription().AddEndpointFilter((context, next) =>
        {
            var presented = context.HttpContext.Request.Headers[InternalApi.SecretHeader].ToString();
            // Hash first so the comparison is constant-time whatever the presented length.
            if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), secretHash))
            {
                return ValueTask.FromResult<object?>(Envelope.Fail(new Error(401, ErrorCodes.Unauthenticated,
                    $"Internal routes need the service secret in {InternalApi.SecretHeader}.")));
            }

            return next(context);
        });
        internalApi.MapPut("/tenants/{tenantId}", TenantLedgers.PutAsync);
        internalApi.MapGet("/tenants/{tenantId}", TenantLedgers.GetAsync);

        app.MapPacSpaceHealth(options.EnvironmentName);
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapNotFoundFallback();
        return app;
    }
}
