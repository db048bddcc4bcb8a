using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PacSpace.Balance.Features.Keys;
using PacSpace.Balance.Features.Tenants;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.Balance;

/// <summary>A Sandbox or Production plane: Balance API, public verify, internal API for the control plane.</summary>
public static class BalanceModule
{
    private const string ApiKeyPolicy = "api-key";

    public static WebApplicationBuilder AddPlane(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(EnvelopeStyle.Plane);
        services.AddOptions<PlaneOptions>().Bind(builder.Configuration.GetSection("Plane")).ValidateDataAnnotations()
            .Validate(o => string.IsNullOrWhiteSpace(o.ControlPlaneUrl)
                    || (Uri.TryCreate(o.ControlPlaneUrl, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"),
                "Plane:ControlPlaneUrl must be empty or an absolute http(s) URL.")
            .Validate(o => o.RateLimits.Values.All(r => r.PermitsPerSecond is >= 1 and <= 1_000_000 && r.Burst >= 1),
                "Plane:RateLimits:<tier>:PermitsPerSecond must be 1–1000000 and Burst at least 1.")
            .ValidateOnStart();

        services.AddSingleton<KeyStore>();
        services.AddSingleton<UsageRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<UsageRecorder>());
        services.AddSingleton<KeyCatchUp>();
        services.AddHostedService(sp => sp.GetRequiredService<KeyCatchUp>());
        services.AddHttpClient(nameof(KeyCatchUp));

        // The only scheme, so the default one; the handler looks only at /api/v1 requests.
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization(o => o.AddPolicy(ApiKeyPolicy, p => p
            .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser()));
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(ApiKeyPolicy, http =>
            {
                var caller = http.Features.Get<ApiCaller>();
                if (caller is null)
                {
                    return RateLimitPartition.GetNoLimiter("anonymous");
                }

                return RateLimitPartition.GetTokenBucketLimiter(caller.RateKey, _ =>
                {
                    var limit = http.RequestServices.GetRequiredService<IOptions<PlaneOptions>>().Value.RateLimitFor(caller.Plan);
                    // Refilled ten times a second, so a client at its rate is never starved for a whole second.
                    var perTick = Math.Max(1, limit.PermitsPerSecond / 10);
                    return new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = limit.Burst,
                        TokensPerPeriod = limit.PermitsPerSecond >= 10 ? perTick : limit.PermitsPerSecond,
                        ReplenishmentPeriod = limit.PermitsPerSecond >= 10 ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    };
                });
            });
            o.OnRejected = (context, _) =>
            {
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 1;
                return new ValueTask(Envelope.WriteErrorAsync(context.HttpContext, new Error(429, ErrorCodes.RateLimited,
                    $"Too many requests for this API key. Try again in {retry} second{(retry == 1 ? "" : "s")}.") { RetryAfterSeconds = retry }));
            };
        });
        return builder;
    }

    public static WebApplication MapPlane(this WebApplication app)
    {
        app.UsePacSpaceErrors();
        // Inside the error handler, so a key store that cannot be read answers in the envelope (500/503).
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        var options = app.Services.GetRequiredService<IOptions<PlaneOptions>>().Value;
        var internalApi = app.MapInternalApi(options.ServiceSecret);
        internalApi.MapPut("/tenants/{tenantId}", TenantLedgers.PutAsync);
        internalApi.MapGet("/tenants/{tenantId}", TenantLedgers.GetAsync);
        PlaneKeys.Map(internalApi);

        // Everything under /api/v1 needs a key of this plane's environment (public verify routes opt out).
        var api = app.MapGroup("/api/v1").RequireAuthorization(ApiKeyPolicy).RequireRateLimiting(ApiKeyPolicy);
        api.MapGet("/whoami", (HttpContext http) => Envelope.Ok(http.Features.Get<ApiCaller>()!.WhoAmI))
            .WithTags("Keys").Produces<WhoAmIView>();

        app.MapPacSpaceHealth(options.EnvironmentName);
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapNotFoundFallback();
        return app;
    }
}
