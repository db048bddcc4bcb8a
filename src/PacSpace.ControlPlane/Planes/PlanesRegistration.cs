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
            // The one origin forwards to InternalUrl + the request's path: a query or fragment there would corrupt every request.
            .Validate(o => new[] { o.Sandbox.InternalUrl, o.Production.InternalUrl }
                    .All(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Query.Length == 0 && uri.Fragment.Length == 0),
                "Planes:Sandbox:InternalUrl and Planes:Production:InternalUrl must not carry a query or fragment.")
            // Plain HTTP only: the one origin speaks HTTP/2 with prior knowledge there, which has no TLS handshake to negotiate it.
            .Validate(o => new[] { o.Sandbox.OneOriginUrl, o.Production.OneOriginUrl }
                    .All(u => string.IsNullOrWhiteSpace(u) || (Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp
                        && uri.AbsolutePath == "/" && uri.Query.Length == 0 && uri.Fragment.Length == 0)),
                "Planes:Sandbox:OneOriginUrl and Planes:Production:OneOriginUrl must be empty or an absolute http URL without a path, query or fragment.")
            .Validate(o => o.ForwardConnectTimeout <= o.ForwardTimeout, "Planes:ForwardConnectTimeout must not be longer than Planes:ForwardTimeout.")
            .ValidateOnStart();
        services.AddHttpClient<PlaneClient>();
        return services.AddSingleton<PlaneCursorStore>().AddSingleton<PlaneReads>();
    }
}
