using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace PacSpace.Hosting.Web;

/// <summary>
/// Path segments exactly as the client encoded them. ASP.NET Core decodes a request path except <c>%2F</c>, so a
/// route value cannot tell <c>a%2Fb</c> (one segment "a/b") from <c>a%252Fb</c> (one segment "a%2Fb"). Clients
/// percent-encode user values with nothing kept safe (the official SDKs do), so ids are read from the raw
/// request target and each segment is decoded on its own.
/// </summary>
public static class RawPath
{
    /// <summary>The last path segment, decoded; <paramref name="fallback"/> (the route value) when there is no raw target.</summary>
    public static string LastSegment(HttpContext http, string fallback)
    {
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw) || raw[0] != '/')
        {
            return fallback;
        }

        var end = raw.IndexOfAny(['?', '#']);
        var path = end >= 0 ? raw[..end] : raw;
        var segment = path[(path.LastIndexOf('/') + 1)..];
        try
        {
            return Uri.UnescapeDataString(segment);
        }
        catch (UriFormatException)
        {
            return fallback;
        }
    }

    /// <summary>
    /// The path segment <paramref name="fromEnd"/> places from the end (1: the last), decoded on its own; <paramref name="fallback"/>
    /// (the route value) when there is no raw target or it cannot be decoded. Counting from the end keeps it right under a path prefix.
    /// </summary>
    public static string SegmentFromEnd(HttpContext http, int fromEnd, string fallback)
    {
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw) || raw[0] != '/')
        {
            return fallback;
        }

        var end = raw.IndexOfAny(['?', '#']);
        var segments = (end >= 0 ? raw[..end] : raw).Split('/');
        if (fromEnd < 1 || fromEnd >= segments.Length)
        {
            return fallback;
        }

        try
        {
            return Uri.UnescapeDataString(segments[^fromEnd]);
        }
        catch (UriFormatException)
        {
            return fallback;
        }
    }

    /// <summary>Everything after <paramref name="prefix"/> in the raw path, each segment decoded on its own (for catch-all ids such as log origins).</summary>
    public static string? After(HttpContext http, string prefix)
    {
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw))
        {
            return null;
        }

        var end = raw.IndexOfAny(['?', '#']);
        var path = end >= 0 ? raw[..end] : raw;
        if (!path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return string.Join('/', path[prefix.Length..].Split('/').Select(Uri.UnescapeDataString));
    }
}
