using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PacSpace.Plane.Features.Balances;
using PacSpace.Plane.Features.Checkpoints;
using PacSpace.Plane.Features.Customers;
using PacSpace.Plane.Features.Deltas;
using PacSpace.Plane.Features.Keys;
using PacSpace.Plane.Features.LedgerReads;
using PacSpace.Plane.Features.Records;
using PacSpace.Plane.Features.Verify;
using PacSpace.Plane.Features.Webhooks;
using PacSpace.Plane.Log;
using PacSpace.Plane.Features.Tenants;
using PacSpace.Plane.Sync;
using PacSpace.Hosting.Web;

namespace PacSpace.Plane;

/// <summary>A Sandbox or Production plane: Balance API, public verify, internal API for the control plane.</summary>
public static class PlaneModule
{
    internal const string ApiKeyScheme = "ApiKey";

    public static WebApplicationBuilder AddPlane(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(EnvelopeStyle.Plane);
        // ASP.NET Core's hosting starts an Activity and a logging scope for every request while its diagnostics category
        // is enabled at any level, whether or not anything reads them. On a plane nothing does (its log lines carry no
        // scopes, and an error's request id is read from traceparent, see Envelope), and at ingest rates they were about a
        // tenth of what a request allocates. With traces exported (Telemetry:OtlpEndpoint) the instrumentation's listener
        // still has the Activity started.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        OneOriginListener.Add(builder);
        services.AddOptions<PlaneOptions>().Bind(builder.Configuration.GetSection("Plane")).ValidateDataAnnotations()
            .Validate(o => string.IsNullOrWhiteSpace(o.ControlPlaneUrl)
                    || (Uri.TryCreate(o.ControlPlaneUrl, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"),
                "Plane:ControlPlaneUrl must be empty or an absolute http(s) URL.")
            .Validate(o => string.IsNullOrWhiteSpace(o.OneOriginUrl) || OneOriginListener.TryParse(o.OneOriginUrl, out _),
                "Plane:OneOriginUrl must be empty or an absolute http URL with a port and no path, such as http://127.0.0.1:5091.")
            .Validate(o => o.RateLimits.Values.All(r => r.PermitsPerSecond is >= 1 and <= 1_000_000 && r.Burst >= 1),
                "Plane:RateLimits:<tier>:PermitsPerSecond must be 1–1000000 and Burst at least 1.")
            .ValidateOnStart();

        // The plane's OpenAPI document declares the X-Api-Key scheme; keyed operations reference it (see MapPlane).
        services.Configure<Microsoft.AspNetCore.OpenApi.OpenApiOptions>("v1", o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new Microsoft.OpenApi.OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, Microsoft.OpenApi.IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[ApiKeyScheme] = new Microsoft.OpenApi.OpenApiSecurityScheme
            {
                Type = Microsoft.OpenApi.SecuritySchemeType.ApiKey,
                In = Microsoft.OpenApi.ParameterLocation.Header,
                Name = ApiKeyMiddleware.HeaderName,
                Description = "The full API key: pk_test_….sk_test_… on the Sandbox plane, pk_live_….sk_live_… on the Production plane.",
            };
            document.Components.SecuritySchemes[CustomerProfileEndpoints.BearerScheme] = new Microsoft.OpenApi.OpenApiSecurityScheme
            {
                Type = Microsoft.OpenApi.SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A dashboard access token (POST /dashboard/auth/login) of a user of the API key's account; routes under /dashboard need it besides the key.",
            };
            return Task.CompletedTask;
        }));

        // Before everything that reads a signing key: keys from before sealing, or under a retired KEK, are sealed anew.
        services.AddHostedService<SigningKeySealing>();
        // Before the writer and every read: record and receipt ids are derived with this plane's id key.
        services.AddSingleton<EntryIds>();
        services.AddHostedService(sp => sp.GetRequiredService<EntryIds>());
        // Reads the changes the control plane could not deliver while this plane was down, before the first keyed request.
        services.AddSingleton<ControlPlaneCatchUp>();
        services.AddHostedService(sp => sp.GetRequiredService<ControlPlaneCatchUp>());
        services.AddHttpClient(nameof(ControlPlaneCatchUp));
        services.AddKeys().AddTenants().AddDeltas().AddBalances().AddCheckpoints().AddVerify().AddVerifyPages().AddWebhooks(builder.Configuration).AddCustomerProfiles().AddRecords().AddLedgerReads();
        services.AddSingleton<Sequencer>();
        services.AddHostedService(sp => sp.GetRequiredService<Sequencer>());
        return builder;
    }

    public static WebApplication MapPlane(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<PlaneOptions>>().Value;
        // Requests the control plane forwards from its one origin name their client; only they may (see ForwardedHop).
        app.UsePacSpaceForwardedHop(options.ServiceSecret);
        app.UsePacSpaceForwardedHeaders();
        // Every answer declares its type (JSON, or the verification pages' HTML, script and style): a browser must never guess another from its bytes.
        app.Use((context, next) =>
        {
            context.Response.Headers.XContentTypeOptions = "nosniff";
            return next(context);
        });
        app.UsePacSpaceErrors();
        // Inside the error handler, so a key store that cannot be read answers in the envelope (500/503).
        app.UseMiddleware<ApiKeyMiddleware>();
        var internalApi = app.MapInternalApi(options.ServiceSecret);
        internalApi.MapTenants();
        internalApi.MapKeyDelivery();
        internalApi.MapWebhookSync();
        internalApi.MapCustomerProvisioning();
        internalApi.MapLedgerReads();

        // Everything under /api/v1 needs a key of this plane's environment (public verify routes opt out).
        var api = app.MapGroup("/api/v1").WithMetadata(ApiKeyRequired.Instance);
        api.AddOpenApiOperationTransformer((operation, context, _) =>
        {
            operation.Security ??= [];
            operation.Security.Add(new Microsoft.OpenApi.OpenApiSecurityRequirement { [new Microsoft.OpenApi.OpenApiSecuritySchemeReference(ApiKeyScheme, context.Document)] = [] });
            return Task.CompletedTask;
        });
        api.MapWhoAmI();
        var balance = api.MapGroup("/balance").WithTags("Balance");
        balance.MapDeltas();
        balance.MapDerive();
        balance.MapCheckpoints();
        balance.MapCustomers();
        balance.MapUsage();
        balance.MapWebhookDeliveries();
        api.MapRecords();
        // Where the official clients send customers.create: the key's base URL, outside /api/v1, with a dashboard token too.
        app.MapCustomerCreation();
        app.MapVerify();
        app.MapVerifyPages();

        app.MapPacSpaceHealth(options.EnvironmentName);
        app.MapPacSpaceMetrics();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapNotFoundFallback();
        return app;
    }
}
