using PacSpace.Ledger;
using PacSpace.Sdk.Balance;
using PacSpace.Sdk.Http;
using PacSpace.Sdk.Records;
using PacSpace.Sdk.Verify;

namespace PacSpace.Sdk;

/// <summary>
/// The PacSpace Balance API client. The API key's prefix picks the endpoint: <c>pk_test_</c> keys go to
/// <see cref="PacSpaceClientOptions.SandboxUrl"/>, <c>pk_live_</c> keys to <see cref="PacSpaceClientOptions.ProductionUrl"/>
/// (unless <see cref="PacSpaceClientOptions.BaseUrl"/> is set), so the same code runs against Sandbox and Production.
/// Thread-safe; create one per key and reuse it.
/// </summary>
/// <remarks>
/// Every member is virtual, so tests can substitute a subclass made with the protected constructor (or a mocking
/// library's proxy) wherever code takes a <see cref="PacSpaceClient"/>; results are public records that tests can build.
/// </remarks>
public class PacSpaceClient : IDisposable
{
    private readonly HttpClient? _http;
    private readonly bool _ownsHttp;
    private readonly ApiTransport? _api;
    private readonly PacSpaceEnvironment? _environment;
    private readonly Uri? _baseUrl;
    private readonly BalanceClient? _balance;
    private readonly VerifyClient? _verify;
    private readonly RecordsClient? _records;

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
        var environment = EnvironmentOf(options.ApiKey);
        if (options.MaxRetries is < 0 or > 10)
        {
            throw new ArgumentException("MaxRetries must be from 0 to 10.", nameof(options));
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("Timeout must be positive.", nameof(options));
        }

        var baseUrl = options.BaseUrl ?? (environment == PacSpaceEnvironment.Production ? options.ProductionUrl : options.SandboxUrl);
        CheckUrl(baseUrl);
        _environment = environment;
        _baseUrl = baseUrl;
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _api = new ApiTransport(_http, baseUrl, options.ApiKey, environment.ChainId(), options.MaxRetries, options.Timeout, options.TimeProvider);
        _balance = new BalanceClient(_api, options.TimeProvider, options.DashboardToken);
        _verify = new VerifyClient(_api);
        _records = new RecordsClient(_api);
    }

    /// <summary>
    /// For mocking: a client with no key and no connection. A subclass overrides the members its test uses; any other
    /// member throws <see cref="InvalidOperationException"/>.
    /// </summary>
    protected PacSpaceClient()
    {
    }

    /// <summary>The environment of the key: Sandbox for <c>pk_test_</c>, Production for <c>pk_live_</c>.</summary>
    public virtual PacSpaceEnvironment Environment => _environment ?? throw TestDouble.NotConnected(this);

    /// <summary>The endpoint this client calls.</summary>
    public virtual Uri BaseUrl => _baseUrl ?? throw TestDouble.NotConnected(this);

    /// <summary>Deltas, balances, checkpoints, receipts, customers (listed, and created with a dashboard token) and usage.</summary>
    public virtual BalanceClient Balance => _balance ?? throw TestDouble.NotConnected(this);

    /// <summary>Machine-action records: transitions, receipts and history, and their offline checks.</summary>
    public virtual RecordsClient Records => _records ?? throw TestDouble.NotConnected(this);

    /// <summary>Public verification (no key sent) and offline checks.</summary>
    public virtual VerifyClient Verify => _verify ?? throw TestDouble.NotConnected(this);

    private ApiTransport Api => _api ?? throw TestDouble.NotConnected(this);

    /// <summary>Which tenant, environment and key the API sees for this client.</summary>
    public virtual Task<WhoAmI> WhoAmIAsync(CancellationToken cancellationToken = default) =>
        Api.SendAsync<WhoAmI>(HttpMethod.Get, ApiRoutes.WhoAmI, null, CallOptions.Default, cancellationToken);

    /// <summary>The environment a key belongs to, after checking its shape and checksum.</summary>
    /// <exception cref="ArgumentException">Missing, malformed, mistyped (checksum) or not a <c>pk_test_</c>/<c>pk_live_</c> key.</exception>
    public static PacSpaceEnvironment EnvironmentOf(string? apiKey)
    {
        if (string.IsNullOrWhiteSpace(apiKey))
        {
            throw new ArgumentException("An API key is required: pk_test_….sk_test_… for Sandbox or pk_live_….sk_live_… for Production.", nameof(apiKey));
        }

        if (!apiKey.StartsWith(PacSpaceEnvironments.TestKeyPrefix, StringComparison.Ordinal) && !apiKey.StartsWith(PacSpaceEnvironments.LiveKeyPrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException("The API key must start with pk_test_ (Sandbox) or pk_live_ (Production); copy the full key from the dashboard.", nameof(apiKey));
        }

        if (!ApiKeyFormat.TryParse(apiKey, out var env, out _, out _))
        {
            throw new ArgumentException("The API key is malformed or mistyped (its checksum does not match). Copy the full key (pk_….sk_…) exactly as it was shown when it was created.", nameof(apiKey));
        }

        return env;
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
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the HTTP client if this client created it; a subclass that holds resources of its own releases them here.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing && _ownsHttp)
        {
            _http?.Dispose();
        }
    }
}
