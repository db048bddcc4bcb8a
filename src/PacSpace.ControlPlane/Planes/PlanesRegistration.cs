using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace PacSpace.ControlPlane.Planes;

internal static class PlanesRegistration
{
    /// <summary>The <c>Planes</c> section, validated at start-up, the client that uses it, and the cursors of the planes' feeds.</summary>
    public static IServiceCollection AddPlanes(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<PlanesOptions>().Bind(config.GetSection("Planes")).ValidateDataAnnotations()
            // Data annotations do not recurse into the two endpoints, so their URLs are checked here.
            .Validate(o => new[] { o.Sandbox.InternalUrl, o.Sandbox.PublicUrl, o.Production.InternalUrl, o.Production.PublicUrl }
                    .All(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"),
                "Planes:Sandbox:InternalUrl, Planes:Sandbox:PublicUrl, Planes:Production:InternalUrl and Planes:Production:PublicUrl must be absolute http(s) URLs.")
            .ValidateOnStart();
        services.AddHttpClient<PlaneClient>();
        return services.AddSingleton<PlaneCursorStore>();
    }
}
