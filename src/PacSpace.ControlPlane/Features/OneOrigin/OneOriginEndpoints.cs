using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;
using PacSpace.Ledger;

namespace PacSpace.ControlPlane.Features.OneOrigin;

/// <summary>
/// The one origin: the control plane's address also serves <c>/api/v1/*</c> by forwarding each request to the plane of its
/// key's prefix (<c>pk_test_</c> Sandbox, <c>pk_live_</c> Production), read without storage; the plane authenticates the key as
/// it does on its own address. Public verify routes (<c>/api/v1/verify/…</c>, no key) and the planes' verification pages
/// (<c>/verify/…</c> with their <c>/verify-assets/…</c>) ask both planes (<see cref="PlaneForwarder.VerifyAsync"/>), so a
/// <c>verifyUrl</c> a plane wrote for a client of the one origin opens there too.
/// </summary>
/// <remarks>
/// A middleware in front of routing, authentication and the page security headers rather than an endpoint: none of those
/// apply to a request that only passes through, and a forwarded answer must reach the client with the plane's headers only.
/// </remarks>
internal static class OneOriginEndpoints
{
    private static readonly PathString Api = new("/api/v1");
    private static readonly PathString Verify = new("/api/v1/verify");
    private static readonly PathString VerifyPages = new("/verify");
    private static readonly PathString VerifyAssets = new("/verify-assets");

    public static IServiceCollection AddOneOrigin(this IServiceCollection services)
    {
        services.AddHttpForwarder();
        services.AddSingleton<PlaneForwarder>();
        return services;
    }

    public static IApplicationBuilder UseOneOrigin(this IApplicationBuilder app)
    {
        var forwarder = app.ApplicationServices.GetRequiredService<PlaneForwarder>();
        return app.Use((context, next) =>
        {
            var path = context.Request.Path;
            if (path.StartsWithSegments(VerifyPages) || path.StartsWithSegments(VerifyAssets))
            {
                // The planes' pages set their own headers (a policy for their script); the dashboard's must not be added.
                return forwarder.VerifyAsync(context);
            }

            if (!path.StartsWithSegments(Api))
            {
                return next(context);
            }

            // Answers of our own (401, 503) take the planes' envelope, as the planes' own would.
            context.Features.Set(EnvelopeStyle.Plane);
            if (path.StartsWithSegments(Verify))
            {
                return forwarder.VerifyAsync(context);
            }

            return PlaneOf(context.Request.Headers[ApiKeyErrors.HeaderName], out var environment) is { } refused
                ? Envelope.WriteErrorAsync(context, refused)
                : forwarder.ForwardAsync(context, environment);
        });
    }

    /// <summary>The plane a key's prefix names; the key's shape, checksum and validity are the plane's to judge.</summary>
    internal static Error? PlaneOf(Microsoft.Extensions.Primitives.StringValues header, out PacSpaceEnvironment environment)
    {
        environment = default;
        if (header.Count > 1)
        {
            return ApiKeyErrors.Malformed;
        }

        var key = header.Count == 1 ? header[0] : null;
        if (string.IsNullOrWhiteSpace(key))
        {
            return ApiKeyErrors.Missing;
        }

        if (key.StartsWith(PacSpaceEnvironments.TestKeyPrefix, StringComparison.Ordinal))
        {
            environment = PacSpaceEnvironment.Sandbox;
            return null;
        }

        if (key.StartsWith(PacSpaceEnvironments.LiveKeyPrefix, StringComparison.Ordinal))
        {
            environment = PacSpaceEnvironment.Production;
            return null;
        }

        return ApiKeyErrors.Malformed;
    }
}
