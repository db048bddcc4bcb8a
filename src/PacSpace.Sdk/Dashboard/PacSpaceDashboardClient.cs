using System.Runtime.CompilerServices;
using System.Text.Json;
using PacSpace.Sdk.Http;

namespace PacSpace.Sdk.Dashboard;

/// <summary>Settings of a <see cref="PacSpaceDashboardClient"/>.</summary>
public sealed class PacSpaceDashboardClientOptions
{
    /// <summary>The local control plane started by <c>pacspace up</c>.</summary>
    public static readonly Uri DefaultUrl = new("http://127.0.0.1:5080");

    /// <summary>The Dashboard API. Default <see cref="DefaultUrl"/> (<c>http://127.0.0.1:5080</c>).</summary>
    public Uri BaseUrl { get; set; } = DefaultUrl;

    /// <summary>A dashboard JWT from an earlier <see cref="PacSpaceDashboardClient.LoginAsync"/>; default none.</summary>
    public string? AccessToken { get; set; }

    /// <summary>Time allowed for one attempt. Default 30 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Extra attempts after a retryable failure. Default 2.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>Clock for backoff delays and polling. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}

/// <summary>
/// The Dashboard API with a JWT (Authorization: Bearer): login, both generations of environment routes
/// (<c>/dashboard/environments</c> sandbox/production and V3.6 <c>/dashboard/contracts</c> testnet/mainnet),
/// API keys and the plan. Bearer calls need no CSRF header.
/// </summary>
public sealed class PacSpaceDashboardClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly ApiTransport _api;
    private readonly TimeProvider _time;

    /// <summary>A client for the control plane at <see cref="PacSpaceDashboardClientOptions.BaseUrl"/>.</summary>
    public PacSpaceDashboardClient(PacSpaceDashboardClientOptions? options = null, HttpClient? httpClient = null)
    {
        options ??= new PacSpaceDashboardClientOptions();
        PacSpaceClient.CheckUrl(options.BaseUrl);
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _api = new ApiTransport(_http, options.BaseUrl, null, null, options.MaxRetries, options.Timeout, options.TimeProvider) { BearerToken = options.AccessToken };
        _time = options.TimeProvider;
    }

    /// <summary>The JWT in use (after <see cref="LoginAsync"/> or from the options).</summary>
    public string? AccessToken => _api.BearerToken;

    /// <summary>Logs in; later calls carry the returned JWT.</summary>
    public async Task<LoginResult> LoginAsync(string email, string password, CancellationToken cancellationToken = default)
    {
        var result = await _api.SendAsync<LoginResult>(HttpMethod.Post, "/dashboard/auth/login", new { email, password }, CallOptions.Public, cancellationToken).ConfigureAwait(false);
        _api.BearerToken = result.AccessToken;
        return result;
    }

    /// <summary>Both environments and their state (<c>none</c>, <c>activating</c>, <c>active</c>, <c>failed</c>).</summary>
    public Task<EnvironmentStatus> GetEnvironmentStatusAsync(CancellationToken cancellationToken = default) =>
        _api.SendAsync<EnvironmentStatus>(HttpMethod.Get, "/dashboard/environments/environment-status", null, CallOptions.Public, cancellationToken);

    /// <summary>The environments with their API endpoints.</summary>
    public Task<IReadOnlyList<EnvironmentInfo>> ListEnvironmentsAsync(CancellationToken cancellationToken = default) =>
        _api.SendAsync<IReadOnlyList<EnvironmentInfo>>(HttpMethod.Get, "/dashboard/environments", null, CallOptions.Public, cancellationToken);

    /// <summary>Starts activating <c>sandbox</c> or <c>production</c> (Production needs a paid plan); harmless when already activating or active.</summary>
    public Task<ActivationResult> ActivateAsync(string environment, CancellationToken cancellationToken = default) =>
        _api.SendAsync<ActivationResult>(HttpMethod.Post, "/dashboard/environments/provision", new { environment }, CallOptions.Public, cancellationToken);

    /// <summary>Activates an environment and reports its state until it is <c>active</c> or <c>failed</c>.</summary>
    /// <param name="environment"><c>sandbox</c> or <c>production</c>.</param>
    /// <param name="progress">Told every state read, e.g. to draw a progress display.</param>
    /// <param name="timeout">Give up after this long (default 2 minutes) with code <c>TIMEOUT</c>.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    public async Task<EnvironmentState> ActivateAndWaitAsync(string environment, IProgress<EnvironmentState>? progress = null, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        await ActivateAsync(environment, cancellationToken).ConfigureAwait(false);
        var started = _time.GetTimestamp();
        var limit = timeout ?? TimeSpan.FromMinutes(2);
        while (true)
        {
            var status = await GetEnvironmentStatusAsync(cancellationToken).ConfigureAwait(false);
            var state = status.Get(environment);
            progress?.Report(state);
            if (state.Status is "active" or "failed")
            {
                return state;
            }

            if (_time.GetElapsedTime(started) > limit)
            {
                throw new PacSpaceException(0, "TIMEOUT", $"{environment} was still {state.Status} after {limit.TotalSeconds:0} s.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>V3.6: both environments as <c>testnet</c>/<c>mainnet</c> with statuses <c>not_provisioned</c>, <c>provisioning</c>, <c>active</c>, <c>error</c>.</summary>
    public Task<JsonElement> GetContractsStatusAsync(string tenantId, CancellationToken cancellationToken = default) =>
        _api.SendForDataAsync(HttpMethod.Get, "/dashboard/contracts/" + Query.Segment(tenantId) + "/status", null, CallOptions.Public, cancellationToken);

    /// <summary>V3.6: provisions <c>testnet</c> or <c>mainnet</c>.</summary>
    public Task<JsonElement> ProvisionContractAsync(string environment, CancellationToken cancellationToken = default) =>
        _api.SendForDataAsync(HttpMethod.Post, "/dashboard/contracts/provision", new { environment }, CallOptions.Public, cancellationToken);

    /// <summary>Creates an API key for <c>test</c> (Sandbox) or <c>live</c> (Production). The secret is in this answer only.</summary>
    public Task<CreatedApiKey> CreateKeyAsync(string name, string environment = "test", DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default) =>
        _api.SendAsync<CreatedApiKey>(HttpMethod.Post, "/dashboard/api-keys", new { name, environment, expiresAt }, CallOptions.Public, cancellationToken);

    /// <summary>The account's keys (never a secret), newest first, a page at a time.</summary>
    public async IAsyncEnumerable<ApiKeyInfo> ListKeysAsync(string? environment = null, int pageSize = 100, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var page = 1; ; page++)
        {
            var list = await _api.SendAsync<KeyPage>(HttpMethod.Get, Query.Build("/dashboard/api-keys", [("environment", environment), ("page", page), ("limit", pageSize)]),
                null, CallOptions.Public, cancellationToken).ConfigureAwait(false);
            foreach (var key in list.Items)
            {
                yield return key;
            }

            if (list.Items.Count == 0 || (long)page * list.Limit >= list.Total)
            {
                yield break;
            }
        }
    }

    /// <summary>Revokes a key at once and for good.</summary>
    public Task<ApiKeyInfo> RevokeKeyAsync(string keyId, CancellationToken cancellationToken = default) =>
        _api.SendAsync<ApiKeyInfo>(HttpMethod.Delete, "/dashboard/api-keys/" + Query.Segment(keyId), null, CallOptions.Public, cancellationToken);

    /// <summary>The current plan.</summary>
    public Task<PlanInfo> GetPlanAsync(CancellationToken cancellationToken = default) =>
        _api.SendAsync<PlanInfo>(HttpMethod.Get, "/dashboard/billing/plan", null, CallOptions.Public, cancellationToken);

    /// <summary>Changes the plan (self-serve mode).</summary>
    public Task<PlanInfo> SetPlanAsync(string tier, CancellationToken cancellationToken = default) =>
        _api.SendAsync<PlanInfo>(HttpMethod.Post, "/dashboard/billing/plan", new { tier }, CallOptions.Public, cancellationToken);

    /// <summary>Disposes the HTTP client if this client created it.</summary>
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private sealed record KeyPage(IReadOnlyList<ApiKeyInfo> Items, long Total, int Page, int Limit);
}

/// <summary>A login's answer.</summary>
public sealed record LoginResult(string AccessToken, DateTimeOffset ExpiresAt, JsonElement User);

/// <summary>One environment's state.</summary>
public sealed record EnvironmentState(string Status, DateTimeOffset? ProvisionedAt, string? Error);

/// <summary>Both environments' state.</summary>
public sealed record EnvironmentStatus(EnvironmentState Sandbox, EnvironmentState Production)
{
    /// <summary>The state of <c>sandbox</c> or <c>production</c>.</summary>
    public EnvironmentState Get(string environment) => environment switch
    {
        "sandbox" or "testnet" => Sandbox,
        "production" or "mainnet" => Production,
        _ => throw new ArgumentException("Environment must be sandbox or production.", nameof(environment)),
    };
}

/// <summary>An environment with its API endpoint.</summary>
public sealed record EnvironmentInfo(string Id, string Environment, string Status, DateTimeOffset? ProvisionedAt, string? ApiBaseUrl);

/// <summary>The answer to an activation request.</summary>
public sealed record ActivationResult(string Environment, string Status);

/// <summary>A key as listed (never its secret).</summary>
public sealed record ApiKeyInfo(string Id, string Name, string Environment, string PublicKey, bool Active, string Status, DateTimeOffset CreatedAt,
    DateTimeOffset? LastUsedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, string? SyncStatus);

/// <summary>A new key, with its secret (shown once).</summary>
public sealed record CreatedApiKey(string Id, string Name, string Environment, string PublicKey, string SecretKey, string FullKey, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);

/// <summary>A plan of the price list.</summary>
public sealed record PlanInfo(string Tier, long? MonthlyAllotment, decimal? PlanPriceUsd, decimal? OveragePriceUsd, bool ProductionAllowed, string Mode);
