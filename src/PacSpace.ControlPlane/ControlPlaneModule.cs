using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Features.Access;
using PacSpace.ControlPlane.Features.ApiKeys;
using PacSpace.ControlPlane.Features.Audit;
using PacSpace.ControlPlane.Features.Auth;
using PacSpace.ControlPlane.Features.Billing;
using PacSpace.ControlPlane.Features.Customers;
using PacSpace.ControlPlane.Features.Environments;
using PacSpace.ControlPlane.Features.Ledger;
using PacSpace.ControlPlane.Features.Mail;
using PacSpace.ControlPlane.Features.OneOrigin;
using PacSpace.ControlPlane.Features.Webhooks;
using PacSpace.ControlPlane.Pages;
using PacSpace.ControlPlane.Planes;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane;

/// <summary>The control plane: Dashboard API, provisioning worker.</summary>
public static class ControlPlaneModule
{
    internal const string LoginPolicy = "login";

    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(EnvelopeStyle.Dashboard);
        builder.Services.AddControlPlaneServices(builder.Configuration);
        AddHttpEdge(builder.Services);
        return builder;
    }

    /// <summary>
    /// Options, stores and use cases of the control plane: what the host runs on, and what an operator command resolves
    /// its handlers from (<see cref="ControlPlaneOperator"/>), so both run the same registrations.
    /// </summary>
    internal static IServiceCollection AddControlPlaneServices(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<DashboardOptions>().Bind(config.GetSection("Dashboard")).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AuthOptions>().Bind(config.GetSection("Auth")).ValidateDataAnnotations()
            .Validate(o => IsKey(o.JwtSigningKey), "Auth:JwtSigningKey must be base64 of at least 32 bytes.")
            .ValidateOnStart();
        services.AddOptions<BillingOptions>().Bind(config.GetSection("Billing")).ValidateOnStart();
        services.AddOptions<SmtpOptions>().Bind(config.GetSection("Smtp")).ValidateDataAnnotations()
            .Validate(o => o.Security is "Auto" or "StartTls" or "SslOnConnect" or "None", "Smtp:Security must be one of Auto, StartTls, SslOnConnect, None.")
            .ValidateOnStart();
        services.AddPlanes(config);
        services.AddAudit();
        services.AddApiKeys();
        services.AddCustomers();
        services.AddSingleton<Mailer>();
        services.AddSingleton<MailQueue>();
        services.AddAuth();
        services.AddSessions();
        services.AddAccess();
        services.AddBilling();
        services.AddEnvironments(config);
        services.AddKeySync(config);
        services.AddWebhooks(config);
        services.AddLedgerReads();
        return services;
    }

    /// <summary>Authentication, pages and the login rate limit: what only the web host needs.</summary>
    private static void AddHttpEdge(IServiceCollection services)
    {
        services.AddAuthentication(SessionAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, SessionAuthenticationHandler>(SessionAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
        services.AddDashboardPages();
        services.AddHostedService(sp => sp.GetRequiredService<MailQueue>());
        services.AddOneOrigin();
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(LoginPolicy, http =>
            {
                // Attempts are what the limit is for: showing the login page again (a reload, a back button) is not one.
                if (!HttpMethods.IsPost(http.Request.Method))
                {
                    return RateLimitPartition.GetNoLimiter("page views");
                }

                var perMinute = http.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.LoginRequestsPerMinutePerIp;
                return RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
            o.OnRejected = (context, _) =>
            {
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? (int)Math.Ceiling(after.TotalSeconds) : 60;
                if (!context.HttpContext.Request.Path.StartsWithSegments("/dashboard"))
                {
                    // The login page: a short page rather than JSON.
                    context.HttpContext.Response.StatusCode = 429;
                    context.HttpContext.Response.Headers.RetryAfter = retry.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    context.HttpContext.Response.ContentType = "text/html; charset=utf-8";
                    return new ValueTask(context.HttpContext.Response.WriteAsync(
                        $"<!DOCTYPE html><title>Too many attempts</title><p>Too many login attempts from this address. Try again in {retry} seconds. <a href=\"/login\">Back to log in</a></p>"));
                }

                return new ValueTask(Envelope.WriteErrorAsync(context.HttpContext, new Error(429, ErrorCodes.TooManyAttempts,
                    $"Too many login attempts from this address. Try again in {retry} seconds.") { RetryAfterSeconds = retry }));
            };
        });
    }

    public static WebApplication MapDashboard(this WebApplication app)
    {
        app.UsePacSpaceForwardedHeaders();
        app.UsePacSpaceErrors();
        // /api/v1/* passes through to the plane of its key before routing, sessions and page headers, which are not for it.
        app.UseOneOrigin();
        app.UseRouting();
        app.UseSecurityHeaders();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();

        var dashboard = app.MapGroup("/dashboard");
        var auth = dashboard.MapGroup("/auth").WithTags("Auth");
        auth.MapAuth();
        auth.MapAccess();

        // Everything below needs a session (cookie or bearer), and cookie writes need the CSRF header.
        var authed = dashboard.MapGroup("").RequireAuthorization().AddEndpointFilter<CsrfFilter>();
        var account = authed.MapGroup("/auth").WithTags("Auth");
        account.MapAccount();
        account.MapSessions();
        authed.MapEnvironments();
        authed.MapBilling();
        authed.MapApiKeys();
        authed.MapWebhooks();
        authed.MapAudit();
        authed.MapCustomers();

        var planes = app.Services.GetRequiredService<IOptions<PlanesOptions>>().Value;
        var internalApi = app.MapInternalApi(planes.ServiceSecret);
        internalApi.MapKeySync();
        internalApi.MapWebhookSync();
        internalApi.MapUserAuthorization();

        app.MapRazorPages();
        app.MapDashboardAssets();
        app.MapPacSpaceHealth("dashboard");
        app.MapPacSpaceMetrics();
        app.MapOpenApi("/openapi/{documentName}.json");
        // A browser that follows a stale link gets a page it can leave; API clients keep the JSON envelope.
        app.MapFallback((HttpContext http) => PageHosting.WantsHtml(http.Request) && !IsApiPath(http.Request.Path)
                ? Results.Content(NotFoundPage, "text/html; charset=utf-8", System.Text.Encoding.UTF8, 404)
                : PacSpaceWeb.NoSuchRoute())
            .ExcludeFromDescription();
        return app;
    }

    private const string NotFoundPage =
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Page not found · PacSpace</title>
            <link rel="icon" href="data:,">
            <link rel="stylesheet" href="/assets/site.css">
        </head>
        <body class="public">
        <main id="main">
            <h1>Page not found</h1>
            <p>There is no page at this address. <a href="/">Go to the dashboard</a>.</p>
        </main>
        </body>
        </html>
        """;

    private static bool IsApiPath(PathString path) =>
        path.StartsWithSegments("/dashboard") || path.StartsWithSegments("/api") || path.StartsWithSegments("/internal") || path.StartsWithSegments("/openapi");

    private static bool IsKey(string value)
    {
        var buffer = new byte[value.Length];
        return Convert.TryFromBase64String(value, buffer, out var n) && n >= 32;
    }
}
