using Microsoft.AspNetCore.Http;

namespace PacSpace.ControlPlane.Features.OneOrigin;

/// <summary>
/// A small request body with a declared length (a delta, a record entry, a customer) read whole before forwarding, so that
/// it leaves with the request's headers in one write. YARP's own copy streams every body and flushes the headers ahead of
/// it: two sends for the control plane and two reads for the plane, for bodies of a few hundred bytes. Larger or chunked
/// bodies (a batch) still stream. Kept on the request, a body read once also serves a second forward of the same request
/// (the verify routes ask Production, then Sandbox).
/// </summary>
internal sealed class BufferedBody(byte[] bytes)
{
    /// <summary>Bodies up to this size are read whole; the planes' own limit for a JSON body is 1 MiB.</summary>
    public const int Limit = 64 * 1024;

    private static readonly HttpRequestOptionsKey<byte[]> Key = new("PacSpace.BufferedBody");

    public byte[] Bytes => bytes;

    /// <summary>
    /// The request's body when it is small enough to read whole, read now (or earlier, for a second forward); null when it
    /// streams. A body the client cannot deliver as declared throws as the streaming copy would
    /// (<see cref="BadHttpRequestException"/>, <see cref="IOException"/>, <see cref="OperationCanceledException"/>).
    /// </summary>
    public static async ValueTask<BufferedBody?> ReadAsync(HttpContext context, CancellationToken ct)
    {
        if (context.Features.Get<BufferedBody>() is { } read)
        {
            return read;
        }

        if (context.Request.ContentLength is not (> 0 and <= Limit) || context.Request.Headers.TransferEncoding.Count > 0)
        {
            return null;
        }

        var bytes = new byte[(int)context.Request.ContentLength.Value];
        await context.Request.Body.ReadExactlyAsync(bytes, ct);
        var body = new BufferedBody(bytes);
        context.Features.Set(body);
        return body;
    }

    /// <summary>Marks <paramref name="request"/> to be sent with this body in place of YARP's streaming content.</summary>
    public void AttachTo(HttpRequestMessage request)
    {
        request.Options.Set(Key, bytes);
        // The body is here already (reading it answered the client's 100-continue): the plane is not asked to wait for it.
        request.Headers.Remove("Expect");
    }

    /// <summary>
    /// The outermost handler of the forwarder's client: swaps a marked request's streaming content for the bytes read, with
    /// the same content headers. YARP's content is then never started, and YARP waits only for a content that started.
    /// </summary>
    public sealed class Handler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is { } streaming && request.Options.TryGetValue(Key, out var bytes))
            {
                var content = new ByteArrayContent(bytes);
                foreach (var header in streaming.Headers)
                {
                    content.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }

                request.Content = content;
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
