using PacSpace.Ledger;
using PacSpace.Sdk.Balance;
using PacSpace.Sdk.Http;
using PacSpace.Sdk.Verify;

namespace PacSpace.Sdk;

/// <summary>
/// The PacSpace Balance API client. The API key's prefix picks the endpoint: <c>pk_test_</c> keys go to
/// <see cref="PacSpaceClientOptions.SandboxUrl"/>, <c>pk_live_</c> keys to <see cref="PacSpaceClientOptions.ProductionUrl"/>
/// (unless <see cref="PacSpaceClientOptions.BaseUrl"/> is set), so the same code runs against Sandbox and Production.
/// Thread-safe; create one per key and reuse it.
/// </summary>
public sealed class PacSpaceClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <summary>A client for <paramref name="apiKey"/> with every other option at its default.</summary>
    public PacSpaceClient(string apiKey)
        : this(new PacSpaceClientOptions { ApiKey = apiKey })
    {
    }

    /// <summary>A client with the given options; <paramref name="httpClient"/> (e.g. from IHttpClientFactory) is used as is and not disposed.</summary>
    /// <exception cref="ArgumentException">The key is missing, not a <c>pk_test_</c>/<c>pk_live_</c> key, or fails its checksum; or an option is out of range.</exception>
    public PacSpaceClient(PacSpaceClientOptions options, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Environment = EnvironmentOf(options.ApiKey);
        if (options.MaxRetries is < 0 or > 10)
        {
            throw new ArgumentException("MaxRetries must be from 0 to 10.", nameof(options));
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("Timeout must be positive.", nameof(options));
        }

        BaseUrl = options.BaseUrl ?? (Environment == PacSpaceEnvironment.Production ? options.ProductionUrl : options.SandboxUrl);
        CheckUrl(BaseUrl);
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        var api = new ApiTransport(_http, BaseUrl, options.ApiKey, Environment == PacSpaceEnvironment.Production ? "295" : "296",
            options.MaxRetries, options.Timeout, options.TimeProvider);
        Balance = new BalanceClient(api, options.TimeProvider);
        Verify = new VerifyClient(api);
        Api = api;
    }

    /// <summary>The environment of the key: Sandbox for <c>pk_test_</c>, Production for <c>pk_live_</c>.</summary>
    public PacSpaceEnvironment Environment { get; }

    /// <summary>The endpoint this client calls.</summary>
    public Uri BaseUrl { get; }

    /// <summary>Deltas, balances, checkpoints, receipts, customers and usage.</summary>
    public BalanceClient Balance { get; }

    /// <summary>Public verification (no key sent) and offline checks.</summary>
    public VerifyClient Verify { get; }

    internal ApiTransport Api { get; }

    /// <summary>Which tenant, environment and key the API sees for this client.</summary>
    public Task<WhoAmI> WhoAmIAsync(CancellationToken cancellationToken = default) =>
        Api.SendAsync<WhoAmI>(HttpMethod.Get, "/api/v1/whoami", null, CallOptions.Default, cancellationToken);

    /// <summary>The environment a key belongs to, after checking its shape and checksum.</summary>
    /// <exception cref="ArgumentException">Missing, malformed, mistyped (checksum) or not a <c>pk_test_</c>/<c>pk_live_</c> key.</exception>
    public static PacSpaceEnvironment EnvironmentOf(string? apiKey)
    {
        if (string.IsNullOrWhiteSpace(apiKey))
        {
            throw new ArgumentException("An API key is required: pk_test_….sk_test_… for Sandbox or pk_live_….sk_live_… for Production.", nameof(apiKey));
        }

        if (!apiKey.StartsWith("pk_test_", StringComparison.Ordinal) && !apiKey.StartsWith("pk_live_", StringComparison.Ordinal))
        {
            throw new ArgumentException("The API key must start with pk_test_ (Sandbox) or pk_live_ (Production); copy the full key from the dashboard.", nameof(apiKey));
        }

        if (!ApiKeyFormat.TryParse(apiKey, out var env, out _, out _))
        {
            throw new ArgumentException("The API key is malformed or mistyped (its checksum does not match). Copy the full key (pk_….sk_…) exactly as it was shown when it was created.", nameof(apiKey));
        }

        return env == PacSpaceEnvironment.Production ? PacSpaceEnvironment.Production : PacSpaceEnvironment.Sandbox;
    }

    internal static void CheckUrl(Uri url)
    {
        if (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(url.UserInfo))
        {
            throw new ArgumentException($"{url} is not an absolute http(s) URL without credentials.", nameof(url));
        }
    }

    /// <summary>Disposes the HTTP client if this client created it.</summary>
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }
}

/// <summary>Who the API sees: tenant, environment and key id.</summary>
public sealed record WhoAmI(string TenantId, string Environment, string KeyId);
