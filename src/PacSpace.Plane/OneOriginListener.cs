using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace PacSpace.Plane;

/// <summary>
/// <c>Plane:OneOriginUrl</c>: an extra listener speaking only HTTP/2 without TLS, for the control plane's one origin. Over
/// HTTP/1.1 each forwarded request holds a connection of its own for its whole round trip, and every request and answer costs
/// the proxy a send, a receive and a thread wake-up; over one HTTP/2 connection the requests in flight share those (frames of
/// several requests leave in one write and arrive in one read). Kestrel cannot tell HTTP/2 with prior knowledge from HTTP/1.1
/// on a plain-text port that speaks both, hence a port of its own.
/// </summary>
internal static class OneOriginListener
{
    /// <summary>The address as a listener takes it: absolute <c>http</c>, an explicit port, nothing after the authority.</summary>
    public static bool TryParse(string value, out Uri uri)
    {
        return Uri.TryCreate(value, UriKind.Absolute, out uri!)
            && uri.Scheme == Uri.UriSchemeHttp
            && !uri.IsDefaultPort
            && uri.AbsolutePath == "/" && uri.Query.Length == 0 && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0;
    }

    /// <summary>Adds the listener to the role's addresses when <c>Plane:OneOriginUrl</c> is set (and valid: options validation names it otherwise).</summary>
    public static void Add(WebApplicationBuilder builder)
    {
        var value = builder.Configuration["Plane:OneOriginUrl"];
        if (string.IsNullOrWhiteSpace(value) || !TryParse(value, out var uri))
        {
            return;
        }

        var urls = builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey);
        builder.WebHost.UseUrls(string.IsNullOrEmpty(urls) ? value : urls + ";" + value);
        builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(listen =>
        {
            if (listen.IPEndPoint?.Port == uri.Port)
            {
                listen.Protocols = HttpProtocols.Http2;
            }
        }));
    }
}
