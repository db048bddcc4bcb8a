using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using PacSpace.Hosting.Web;

namespace PacSpace.Plane.Features.Webhooks;

/// <summary>One attempt's result: the receiver's status code (none when no answer came), latency, the first 1 KB of its answer, or why it failed.</summary>
internal sealed record WebhookAttempt(long AttemptedAt, int? StatusCode, long LatencyMs, string? Response, string? Error)
{
    /// <summary>A 2xx answer within the attempt timeout.</summary>
    public bool Delivered => StatusCode is >= 200 and < 300;

    /// <summary>The receiver says the endpoint is gone for good: it is disabled at once.</summary>
    public bool Gone => StatusCode == 410;
}

/// <summary>
/// Sends signed webhook requests. Each connection is opened by this class itself: the host name is resolved, every
/// address it gives is checked against the outbound-address rules, and the socket connects only to those addresses, so a
/// name that resolved to a public address when the endpoint was saved cannot lead to a private or metadata address now
/// (DNS rebinding). No proxy, no redirects, no cookies.
/// </summary>
internal sealed class WebhookSender : IDisposable
{
    /// <summary>How much of an answer is kept.</summary>
    public const int ResponseExcerptBytes = 1024;

    public const string SignatureHeader = "X-PacSpace-Signature";
    public const string TimestampHeader = "X-PacSpace-Timestamp";
    public const string EventHeader = "X-Webhook-Event";
    public const string EventIdHeader = "X-Event-ID";

    private static readonly ProductInfoHeaderValue UserAgent = new("PacSpace-Webhooks", "1.0");

    private readonly HttpClient _http;
    private readonly WebhookDeliveryOptions _options;
    private readonly TimeProvider _time;

    public WebhookSender(IOptions<WebhookDeliveryOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        var allowPrivate = _options.AllowPrivateNetworks;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            // Names are resolved again as connections are renewed.
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            ConnectTimeout = _options.AttemptTimeout,
            MaxConnectionsPerServer = _options.ConcurrencyPerEndpoint,
            ConnectCallback = (context, ct) => ConnectAsync(context.DnsEndPoint, allowPrivate, ct),
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The signature header: <c>v1=&lt;hex HMAC-SHA256(secret, "{timestamp}.{body}")&gt;</c> per secret, newest first, comma separated.</summary>
    public static string Sign(IReadOnlyList<string> secrets, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return string.Join(",", secrets.Select(s => "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(s), message))));
    }

    /// <summary>One attempt: POSTs the body, signed with every given secret, and waits at most the attempt timeout.</summary>
    public async Task<WebhookAttempt> SendAsync(string url, IReadOnlyList<string> secrets, string eventType, string eventId, byte[] body, CancellationToken ct)
    {
        var attemptedAt = _time.GetUtcNow();
        var timestamp = attemptedAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.UserAgent.Add(UserAgent);
        request.Headers.TryAddWithoutValidation(SignatureHeader, Sign(secrets, timestamp, body));
        request.Headers.TryAddWithoutValidation(TimestampHeader, timestamp);
        request.Headers.TryAddWithoutValidation(EventHeader, eventType);
        request.Headers.TryAddWithoutValidation(EventIdHeader, eventId);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(_options.AttemptTimeout);
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var excerpt = await ReadExcerptAsync(response, deadline.Token);
            return new WebhookAttempt(attemptedAt.ToUnixTimeMilliseconds(), (int)response.StatusCode, clock.ElapsedMilliseconds, excerpt, null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Failed($"No answer within {_options.AttemptTimeout.TotalSeconds:0.#} s.");
        }
        catch (HttpRequestException ex)
        {
            return Failed(Describe(ex));
        }
        catch (IOException ex)
        {
            return Failed("The connection failed: " + ex.Message);
        }

        WebhookAttempt Failed(string error) => new(attemptedAt.ToUnixTimeMilliseconds(), null, clock.ElapsedMilliseconds, null, error);
    }

    public void Dispose() => _http.Dispose();

    private static async Task<string?> ReadExcerptAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[ResponseExcerptBytes];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), ct);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return read == 0 ? null : Encoding.UTF8.GetString(buffer, 0, read);
    }

    private static string Describe(HttpRequestException ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is RefusedAddressException refused)
            {
                return refused.Message;
            }

            if (e is SocketException socket)
            {
                return $"The connection failed ({socket.SocketErrorCode}).";
            }
        }

        return "The request failed: " + ex.Message;
    }

    /// <summary>Resolves, checks each address, connects to allowed ones only, and checks the address actually reached.</summary>
    private static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, bool allowPrivate, CancellationToken ct)
    {
        var host = await OutboundAddress.ResolveAsync(endpoint.Host, allowPrivate, cancellationToken: ct);
        if (!host.Allowed)
        {
            throw new RefusedAddressException($"The address is not allowed: {host.Refusal}.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host.Addresses.ToArray(), endpoint.Port, ct);
            var refusal = socket.RemoteEndPoint is IPEndPoint reached ? OutboundAddress.Refusal(reached.Address, allowPrivate) : "no peer address";
            if (refusal is not null)
            {
                throw new RefusedAddressException($"The address is not allowed: {refusal}.");
            }

            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private sealed class RefusedAddressException(string message) : Exception(message);
}
