using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Planes;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;
using PacSpace.Ledger;
using Yarp.ReverseProxy.Forwarder;

namespace PacSpace.ControlPlane.Features.OneOrigin;

/// <summary>
/// Sends one request to a plane with YARP's <see cref="IHttpForwarder"/> and streams the plane's answer back: status, headers
/// and body as the plane wrote them, nothing buffered either way. The destinations are the planes' internal addresses
/// (<c>Planes:*:InternalUrl</c>), over one pooled <see cref="HttpMessageInvoker"/>. What the plane cannot answer (refused,
/// unreachable, silent past <c>Planes:ForwardTimeout</c>) becomes <c>503 SERVICE_UNAVAILABLE</c> in the envelope, never a bare
/// 502/504.
/// </summary>
internal sealed partial class PlaneForwarder : IDisposable
{
    private readonly IHttpForwarder _forwarder;
    private readonly HttpMessageInvoker _client;
    private readonly PlaneTransformer _transformer;
    private readonly Hop _sandbox;
    private readonly Hop _production;
    private readonly ILogger<PlaneForwarder> _logger;

    public PlaneForwarder(IHttpForwarder forwarder, IOptions<PlanesOptions> options, TelemetrySettings telemetry, ILogger<PlaneForwarder> logger)
    {
        var planes = options.Value;
        _forwarder = forwarder;
        _logger = logger;
        _sandbox = Hop.For(planes.Sandbox, planes.ForwardTimeout);
        _production = Hop.For(planes.Production, planes.ForwardTimeout);
        // With traces exported, the client's own span (System.Net.Http) is part of them and its handler writes traceparent.
        // Without, that span is made only to be dropped: the transformer writes the request's trace context itself.
        var traced = telemetry.OtlpEndpoint.Length > 0;
        _transformer = new PlaneTransformer(ForwardedHop.Token(planes.ServiceSecret), propagateTrace: !traced);
        // As YARP's own client factory builds it (no proxy, redirects, cookies or decompression: the answer goes back as sent),
        // with the connect timeout ours so a plane that is not there is answered within it.
        _client = new HttpMessageInvoker(new BufferedBody.Handler(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = planes.ForwardConnectTimeout,
            EnableMultipleHttp2Connections = true,
            ActivityHeadersPropagator = traced ? new ReverseProxyPropagator(DistributedContextPropagator.Current) : null,
        }), disposeHandler: true);
    }

    /// <summary>Forwards the request to the plane of <paramref name="environment"/> and relays its answer.</summary>
    public async Task ForwardAsync(HttpContext context, PacSpaceEnvironment environment)
    {
        var hop = Destination(environment);
        var error = await _forwarder.SendAsync(context, hop.Prefix, _client, hop.Config, _transformer);
        if (error != ForwarderError.None)
        {
            await FailAsync(context, environment, error);
        }
    }

    /// <summary>
    /// A public verify route: ids and proof roots do not say their environment, so Production is asked first and Sandbox when
    /// Production has no such thing (404). The first other answer is relayed as it is. A plane that cannot answer makes a miss
    /// elsewhere a 503, since the receipt may be on it.
    /// </summary>
    public async Task VerifyAsync(HttpContext context)
    {
        ForwarderError? unavailable = null;
        PacSpaceEnvironment[] order = [PacSpaceEnvironment.Production, PacSpaceEnvironment.Sandbox];
        for (var i = 0; i < order.Length; i++)
        {
            var last = i == order.Length - 1;
            // The last plane's 404 is relayed as it is unless an earlier plane could not be asked.
            var transformer = last && unavailable is null ? _transformer : new PlaneTransformer(_transformer.HopToken, _transformer.PropagateTrace, skipNotFound: true);
            var hop = Destination(order[i]);
            var error = await _forwarder.SendAsync(context, hop.Prefix, _client, hop.Config, transformer);
            if (error != ForwarderError.None)
            {
                if (context.Response.HasStarted || IsClientError(error))
                {
                    await FailAsync(context, order[i], error);
                    return;
                }

                LogPlaneUnavailable(_logger, order[i], error, context.Features.Get<IForwarderErrorFeature>()?.Exception);
                unavailable = error;
                ResetResponse(context);
                continue;
            }

            if (!transformer.SkippedNotFound)
            {
                return;
            }

            ResetResponse(context);
        }

        if (unavailable is not null)
        {
            await Envelope.WriteErrorAsync(context, Unavailable("A plane"));
            return;
        }

        await Envelope.WriteErrorAsync(context, Error.NotFound("receipt, proof root or log"));
    }

    private Hop Destination(PacSpaceEnvironment environment) => environment == PacSpaceEnvironment.Production ? _production : _sandbox;

    /// <summary>Where one plane's requests go and how: HTTP/2 with prior knowledge to its one-origin listener when it has one,
    /// else HTTP/1.1 to its internal address.</summary>
    private sealed record Hop(string Prefix, ForwarderRequestConfig Config)
    {
        public static Hop For(PlaneEndpoint plane, TimeSpan timeout)
        {
            var http2 = !string.IsNullOrWhiteSpace(plane.OneOriginUrl);
            return new Hop((http2 ? plane.OneOriginUrl : plane.InternalUrl).TrimEnd('/'), new ForwarderRequestConfig
            {
                ActivityTimeout = timeout,
                // Exact versions: HTTP/2 over plain HTTP has no negotiation, and the internal address speaks HTTP/1.1 (no h2c).
                Version = http2 ? HttpVersion.Version20 : HttpVersion.Version11,
                VersionPolicy = http2 ? HttpVersionPolicy.RequestVersionExact : HttpVersionPolicy.RequestVersionOrLower,
            });
        }
    }

    private async Task FailAsync(HttpContext context, PacSpaceEnvironment environment, ForwarderError error)
    {
        if (context.Response.HasStarted)
        {
            // Mid-answer: YARP has already cut the response so the client cannot take it for complete.
            LogCutShort(_logger, environment, error);
            return;
        }

        var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;
        ResetResponse(context);
        if (IsClientError(error))
        {
            if (context.RequestAborted.IsCancellationRequested)
            {
                return; // the client went away; nothing to answer
            }

            await Envelope.WriteErrorAsync(context, UnreadableBody(exception));
            return;
        }

        LogPlaneUnavailable(_logger, environment, error, exception);
        await Envelope.WriteErrorAsync(context, Unavailable($"The {environment} plane"));
    }

    /// <summary>The answer when the body could not be read from the client: too large, or broken framing.</summary>
    internal static Error UnreadableBody(Exception? exception) => FindBadRequest(exception) is { StatusCode: StatusCodes.Status413PayloadTooLarge }
        ? new Error(413, ErrorCodes.PayloadTooLarge, $"The body is larger than the limit of {JsonBody.MaxBytes} bytes.")
        : JsonBody.Unreadable();

    private static Error Unavailable(string what) => new(503, ErrorCodes.ServiceUnavailable,
        $"{what} did not answer. Try again shortly (a write repeated with the same Idempotency-Key is recorded once).")
    {
        RetryAfterSeconds = 2,
    };

    private static bool IsClientError(ForwarderError error) =>
        error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient
            or ForwarderError.ResponseBodyClient or ForwarderError.ResponseBodyCanceled;

    private static BadHttpRequestException? FindBadRequest(Exception? exception) => exception switch
    {
        BadHttpRequestException bad => bad,
        AggregateException aggregate => aggregate.InnerExceptions.Select(FindBadRequest).FirstOrDefault(e => e is not null),
        { InnerException: { } inner } => FindBadRequest(inner),
        _ => null,
    };

    private static void ResetResponse(HttpContext context)
    {
        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Features.Set<IForwarderErrorFeature>(null);
    }

    public void Dispose() => _client.Dispose();

    [LoggerMessage(EventId = 600, Level = LogLevel.Warning, Message = "One origin: the {Environment} plane did not answer ({Error})")]
    private static partial void LogPlaneUnavailable(ILogger logger, PacSpaceEnvironment environment, ForwarderError error, Exception? exception);

    [LoggerMessage(EventId = 601, Level = LogLevel.Information, Message = "One origin: an answer of the {Environment} plane was cut short ({Error})")]
    private static partial void LogCutShort(ILogger logger, PacSpaceEnvironment environment, ForwarderError error);
}
