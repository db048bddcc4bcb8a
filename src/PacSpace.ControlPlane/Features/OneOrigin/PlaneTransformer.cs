using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using PacSpace.Hosting.Web;
using Yarp.ReverseProxy.Forwarder;

namespace PacSpace.ControlPlane.Features.OneOrigin;

/// <summary>
/// YARP's default copy of the request and the answer (every header but the hop-by-hop ones), plus who the client is: the
/// client's own forwarded headers are dropped, and the control plane's view of the client (its address, scheme and host,
/// after <c>ForwardedHeaders</c> has believed the configured proxies in front of it) is sent in their place with the hop token
/// that makes a plane believe them (<see cref="ForwardedHop"/>).
/// </summary>
internal sealed class PlaneTransformer(string hopToken, bool propagateTrace, bool skipNotFound = false) : HttpTransformer
{
    // Headers a client could use to pose as a hop or an earlier proxy; the plane hears them only from this transformer.
    private static readonly string[] Dropped =
        ["X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Prefix", "Forwarded", "X-Original-For", "X-Original-Proto", "X-Original-Host",
            ForwardedHop.HeaderName, InternalApi.SecretHeader];

    // The target goes on exactly as the client wrote it: no re-encoding, no dot-segment or escape canonicalisation.
    private static readonly UriCreationOptions AsWritten = new() { DangerousDisablePathAndQueryCanonicalization = true };

    private const string TraceParent = "traceparent";

    public string HopToken => hopToken;

    /// <summary>Whether this transformer writes <c>traceparent</c> (when the client handler does not; see <see cref="PlaneForwarder"/>).</summary>
    public bool PropagateTrace => propagateTrace;

    /// <summary>Whether the plane answered 404 and the answer was dropped so that the next plane can be asked.</summary>
    public bool SkippedNotFound { get; private set; }

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        // The path as sent, not as decoded: a customer id's %2F must stay inside its segment, and PathString would write it
        // back as %252F. The plane's own Kestrel then decodes and normalises these bytes exactly as this one did.
        if (httpContext.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw && raw[0] == '/'
            && Uri.TryCreate(destinationPrefix + raw, in AsWritten, out var target))
        {
            proxyRequest.RequestUri = target;
        }

        var headers = proxyRequest.Headers;
        foreach (var name in Dropped)
        {
            headers.Remove(name);
        }

        if (httpContext.Connection.RemoteIpAddress is { } client)
        {
            // An IPv4 client reached over a dual-stack socket reads as ::ffff:a.b.c.d; the plane should see a.b.c.d.
            headers.TryAddWithoutValidation("X-Forwarded-For", (client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client).ToString());
        }

        headers.TryAddWithoutValidation("X-Forwarded-Proto", httpContext.Request.Scheme);
        if (httpContext.Request.Host.HasValue)
        {
            // URLs the plane writes into answers (a checkpoint's verifyUrl) then name the one origin the client used.
            headers.TryAddWithoutValidation("X-Forwarded-Host", httpContext.Request.Host.Value);
        }

        headers.TryAddWithoutValidation(ForwardedHop.HeaderName, hopToken);
        if (propagateTrace && Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } traceParent })
        {
            // The request's trace goes on on the plane (the client's trace id, or the one started here), so an error's
            // X-Request-Id is one id in both hosts' logs. tracestate and baggage were copied with the other headers.
            headers.Remove(TraceParent);
            headers.TryAddWithoutValidation(TraceParent, traceParent);
        }

        if (proxyRequest.Content is not null)
        {
            await ReadSmallBodyAsync(httpContext, proxyRequest, cancellationToken);
        }
    }

    private static async ValueTask ReadSmallBodyAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, CancellationToken cancellationToken)
    {
        try
        {
            (await BufferedBody.ReadAsync(httpContext, cancellationToken))?.AttachTo(proxyRequest);
        }
        catch (Exception e) when (e is BadHttpRequestException or IOException or OperationCanceledException)
        {
            // The client did not deliver the body it declared: answered here (an answer set by the transformer is not
            // forwarded), as a failed streaming copy would be.
            if (httpContext.RequestAborted.IsCancellationRequested)
            {
                httpContext.Response.StatusCode = StatusCodes.Status400BadRequest; // nobody to answer; only stops the forward
                return;
            }

            await Envelope.WriteErrorAsync(httpContext, PlaneForwarder.UnreadableBody(e));
        }
    }

    public override ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        if (skipNotFound && proxyResponse is { StatusCode: System.Net.HttpStatusCode.NotFound })
        {
            SkippedNotFound = true;
            return ValueTask.FromResult(false);
        }

        return base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
    }
}
