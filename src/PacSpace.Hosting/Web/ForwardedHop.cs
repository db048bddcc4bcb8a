using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace PacSpace.Hosting.Web;

/// <summary>
/// The hop from the control plane's one origin to a plane. The control plane names the client it serves in
/// <c>X-Forwarded-For</c>/<c>-Proto</c>/<c>-Host</c> and proves the hop is its own with <see cref="HeaderName"/>, a token derived
/// from the service secret both ends share. A plane believes those three headers only on a request that carries the token, so
/// trust does not depend on addresses: under <c>pacspace up</c> the control plane and every local client share the loopback, and
/// trusting the loopback would let any of them claim any address. Without the token the headers are left to
/// <see cref="ForwardedHeadersSetup"/> (configured proxies only).
/// </summary>
public static class ForwardedHop
{
    /// <summary>Carries <see cref="Token"/>; never the service secret itself, so the secret is not on every public request.</summary>
    public const string HeaderName = "X-PacSpace-Forwarded";

    private const string ForwardedFor = "X-Forwarded-For";
    private const string ForwardedProto = "X-Forwarded-Proto";
    private const string ForwardedHost = "X-Forwarded-Host";

    /// <summary>HMAC-SHA256 of a fixed label under the service secret, as 64 lowercase hex characters.</summary>
    public static string Token(string serviceSecret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(serviceSecret), "pacspace/one-origin/hop/v1"u8));

    /// <summary>
    /// On a plane, before <see cref="ForwardedHeadersSetup.UsePacSpaceForwardedHeaders"/>: a request with the right token takes
    /// its client address, scheme and host from the forwarded headers; the token header is removed from every request, and the
    /// forwarded headers from every request that had the token, so nothing after this reads them again.
    /// </summary>
    public static IApplicationBuilder UsePacSpaceForwardedHop(this IApplicationBuilder app, string serviceSecret)
    {
        var token = Token(serviceSecret);
        return app.Use((context, next) =>
        {
            var headers = context.Request.Headers;
            if (headers.TryGetValue(HeaderName, out var presented))
            {
                headers.Remove(HeaderName);
                if (presented.Count == 1 && IsToken(presented[0], token))
                {
                    Apply(context, headers);
                }
            }

            return next(context);
        });
    }

    private static bool IsToken(string? presented, string token) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(presented.AsSpan()), MemoryMarshal.AsBytes(token.AsSpan()));

    private static void Apply(HttpContext context, IHeaderDictionary headers)
    {
        // The control plane sends exactly one value of each; anything else leaves the connection's own view in place.
        var forwardedFor = headers[ForwardedFor];
        if (forwardedFor.Count == 1 && IPAddress.TryParse(forwardedFor[0], out var client))
        {
            context.Connection.RemoteIpAddress = client;
            context.Connection.RemotePort = 0;
        }

        var proto = headers[ForwardedProto];
        if (proto.Count == 1 && proto[0] is "http" or "https")
        {
            context.Request.Scheme = proto[0]!;
        }

        var host = headers[ForwardedHost];
        if (host.Count == 1 && !string.IsNullOrEmpty(host[0]))
        {
            var value = HostString.FromUriComponent(host[0]!);
            if (value.HasValue && Uri.CheckHostName(value.Host) != UriHostNameType.Unknown)
            {
                context.Request.Host = value;
            }
        }

        headers.Remove(ForwardedFor);
        headers.Remove(ForwardedProto);
        headers.Remove(ForwardedHost);
    }
}
