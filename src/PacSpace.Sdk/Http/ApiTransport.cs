using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Mime;
using System.Text;
using System.Text.Json;

namespace PacSpace.Sdk.Http;

/// <summary>
/// Sends one API call with the official clients' resilience: up to <c>1 + MaxRetries</c> attempts on 408, 429 (except
/// <c>CADENCE_LIMIT</c>), 500, 502, 503, 504 and network errors or timeouts; the wait is the server's
/// <c>Retry-After</c> (whole seconds) when it gives one, else 0.5 s × 2^(n−1) plus up to 25 % jitter. Every attempt
/// resends the same body and the same <c>Idempotency-Key</c>. A 2xx answer is unwrapped from <c>{success, data}</c>.
/// </summary>
internal sealed class ApiTransport
{
    private const string UserAgentProduct = "pacspace-sdk-dotnet";

    private static readonly HashSet<int> Retryable = [408, 429, 500, 502, 503, 504];

    private readonly HttpClient _http;
    private readonly Uri _baseUrl;
    private readonly string? _apiKey;
    private readonly string? _chainId;
    private readonly int _maxRetries;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;

    public ApiTransport(HttpClient http, Uri baseUrl, string? apiKey, string? chainId, int maxRetries, TimeSpan timeout, TimeProvider time)
    {
        _http = http;
        _baseUrl = new Uri(baseUrl.ToString().TrimEnd('/') + "/");
        _apiKey = apiKey;
        _chainId = chainId;
        _maxRetries = maxRetries;
        _timeout = timeout;
        _time = time;
    }

    public Uri BaseUrl => _baseUrl;

    /// <summary>Bearer token for dashboard calls (set after login).</summary>
    public string? BearerToken { get; set; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CallOptions call, CancellationToken cancellationToken)
    {
        var data = await SendForDataAsync(method, path, body, call, cancellationToken).ConfigureAwait(false);
        return data.Deserialize<T>(Json) ?? throw new PacSpaceException(200, PacSpaceErrorCodes.ApiError, $"The answer to {method} {path} had no data.");
    }

    public async Task<JsonElement> SendForDataAsync(HttpMethod method, string path, object? body, CallOptions call, CancellationToken cancellationToken) =>
        (await SendCoreAsync(method, path, body, call, raw: false, cancellationToken).ConfigureAwait(false)).Data;

    /// <summary>
    /// Like <see cref="SendForDataAsync"/> for a route that answers a JSON object without the envelope (the record history
    /// bundle): the object as it is, and the answer's headers, with names in lower case.
    /// </summary>
    public async Task<(JsonElement Body, IReadOnlyDictionary<string, string> Headers)> SendRawAsync(HttpMethod method, string path, CallOptions call,
        CancellationToken cancellationToken)
    {
        var (data, headers) = await SendCoreAsync(method, path, null, call, raw: true, cancellationToken).ConfigureAwait(false);
        return (data, headers!.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value), StringComparer.Ordinal));
    }

    private async Task<(JsonElement Data, HttpResponseHeaders? Headers)> SendCoreAsync(HttpMethod method, string path, object? body, CallOptions call, bool raw,
        CancellationToken cancellationToken)
    {
        var payload = body is null ? null : body as string ?? JsonSerializer.Serialize(body, Json);
        for (var attempt = 0; ; attempt++)
        {
            PacSpaceException failure;
            try
            {
                var (status, headers, text) = await SendOnceAsync(method, path, payload, call, cancellationToken).ConfigureAwait(false);
                if (status is >= 200 and < 300)
                {
                    if (raw ? TryObject(text, out var data) : TryUnwrap(text, out data))
                    {
                        return (data, headers);
                    }

                    failure = ToException(status, headers, text);
                    if (failure.Code != PacSpaceErrorCodes.IdempotencyPending)
                    {
                        throw new PacSpaceException(status, PacSpaceErrorCodes.ApiError, $"Unexpected response format from {method} {path}.", requestId: RequestId(headers, null));
                    }
                }
                else
                {
                    failure = ToException(status, headers, text);
                    if (!Retryable.Contains(status) || failure.Code == PacSpaceErrorCodes.CadenceLimit)
                    {
                        throw failure;
                    }
                }
            }
            catch (HttpRequestException ex)
            {
                failure = new PacSpaceException(0, PacSpaceErrorCodes.NetworkError, $"Network error calling {method} {path}: {ex.Message}", innerException: ex);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                failure = new PacSpaceException(0, PacSpaceErrorCodes.Timeout, $"{method} {path} did not answer within {_timeout.TotalSeconds:0.###} s.", innerException: ex);
            }

            if (attempt >= _maxRetries)
            {
                throw failure;
            }

            await Task.Delay(DelayBefore(attempt + 1, failure.RetryAfter), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<(int Status, HttpResponseHeaders Headers, string Text)> SendOnceAsync(HttpMethod method, string path, string? payload, CallOptions call,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(_baseUrl, path.TrimStart('/')));
        if (call.Authenticated && _apiKey is not null)
        {
            request.Headers.TryAddWithoutValidation(PacSpaceHeaders.ApiKey, _apiKey);
        }

        if ((call.BearerToken ?? BearerToken) is { } bearer)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (_chainId is not null)
        {
            request.Headers.TryAddWithoutValidation(PacSpaceHeaders.ChainId, _chainId);
        }

        if (call.IdempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation(PacSpaceHeaders.IdempotencyKey, call.IdempotencyKey);
        }

        request.Headers.UserAgent.Add(new ProductInfoHeaderValue(UserAgentProduct, typeof(ApiTransport).Assembly.GetName().Version?.ToString(3) ?? "0"));
        if (payload is not null)
        {
            request.Content = new StringContent(payload, Encoding.UTF8, MediaTypeNames.Application.Json);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
        return ((int)response.StatusCode, response.Headers, text);
    }

    private static bool TryUnwrap(string text, out JsonElement data)
    {
        data = default;
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("success", out var s) && s.ValueKind == JsonValueKind.True
                && root.TryGetProperty("data", out var d))
            {
                data = d.Clone();
                return true;
            }
        }
        catch (JsonException)
        {
        }

        return false;
    }

    private static bool TryObject(string text, out JsonElement data)
    {
        data = default;
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                data = doc.RootElement.Clone();
                return true;
            }
        }
        catch (JsonException)
        {
        }

        return false;
    }

    /// <summary>Reads the error envelope (nested <c>error</c> object, or the flat form) into the exception.</summary>
    private static PacSpaceException ToException(int status, HttpResponseHeaders headers, string text)
    {
        string? code = null, message = null, traceId = null;
        TimeSpan? retryAfter = null;
        var details = new List<PacSpaceErrorDetail>();
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                var source = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e : root;
                code = Str(source, "code") ?? Str(root, "code");
                message = Str(source, "message") ?? Str(root, "message") ?? (root.TryGetProperty("error", out var flat) && flat.ValueKind == JsonValueKind.String ? flat.GetString() : null);
                traceId = Str(source, "traceId");
                if (source.TryGetProperty("retryAfterSeconds", out var r) && (r.ValueKind == JsonValueKind.Number && r.TryGetDouble(out var seconds)
                        || r.ValueKind == JsonValueKind.String && double.TryParse(r.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out seconds)))
                {
                    retryAfter = TimeSpan.FromSeconds(seconds);
                }

                if (source.TryGetProperty("details", out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    details.AddRange(list.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.Object)
                        .Select(x => new PacSpaceErrorDetail(Str(x, "field") ?? "", Str(x, "issue") ?? "")));
                }
            }
        }
        catch (JsonException)
        {
        }

        if (retryAfter is null && headers.TryGetValues(PacSpaceHeaders.RetryAfter, out var values)
            && int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var headerSeconds))
        {
            retryAfter = TimeSpan.FromSeconds(headerSeconds);
        }

        code ??= status switch
        {
            401 => PacSpaceErrorCodes.InvalidApiKey,
            404 => PacSpaceErrorCodes.NotFound,
            429 => PacSpaceErrorCodes.RateLimited,
            503 => PacSpaceErrorCodes.ServiceUnavailable,
            _ => PacSpaceErrorCodes.ApiError,
        };
        return new PacSpaceException(status, code, message ?? $"Request failed with HTTP {status}.", retryAfter, RequestId(headers, traceId), details);
    }

    private static string? RequestId(HttpResponseHeaders headers, string? traceId) =>
        headers.TryGetValues(PacSpaceHeaders.RequestId, out var ids) ? ids.FirstOrDefault() : traceId;

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>The server's wait when it gave a positive one, else exponential backoff with up to 25 % jitter.</summary>
    internal static TimeSpan DelayBefore(int retry, TimeSpan? retryAfter)
    {
        if (retryAfter is { } after && after > TimeSpan.Zero)
        {
            return after;
        }

        var backoff = 0.5 * Math.Pow(2, retry - 1);
        return TimeSpan.FromSeconds(backoff * (1 + (Random.Shared.NextDouble() * 0.25)));
    }
}

/// <summary>Per-call transport settings.</summary>
/// <param name="Authenticated">Whether the API key is sent (public verify routes send none).</param>
/// <param name="IdempotencyKey">Sent as <c>Idempotency-Key</c> on every attempt.</param>
/// <param name="BearerToken">A dashboard token sent as <c>Authorization: Bearer</c> with this call (besides the key).</param>
internal readonly record struct CallOptions(bool Authenticated = true, string? IdempotencyKey = null, string? BearerToken = null)
{
    public static readonly CallOptions Default = new(true);

    public static readonly CallOptions Public = new(false);
}

/// <summary>Builds query strings: form-encoded, null values left out.</summary>
internal static class Query
{
    public static string Build(string path, params (string Name, object? Value)[] parameters)
    {
        var parts = parameters.Where(p => p.Value is not null)
            .Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value switch
            {
                DateTimeOffset d => d.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => p.Value!.ToString()!,
            }))
            .ToList();
        return parts.Count == 0 ? path : path + "?" + string.Join("&", parts);
    }

    /// <summary>A user value as one path segment: percent-encoded with nothing kept safe (<c>/</c> becomes <c>%2F</c>).</summary>
    public static string Segment(string value) => Uri.EscapeDataString(value);
}
