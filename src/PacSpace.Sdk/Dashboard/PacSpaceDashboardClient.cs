using System.Runtime.CompilerServices;
using System.Text.Json;
using PacSpace.Sdk.Http;
using PacSpace.Sdk.Webhooks;

namespace PacSpace.Sdk.Dashboard;

/// <summary>
/// The Dashboard API with a JWT (Authorization: Bearer): login, both generations of environment routes
/// (<c>/dashboard/environments</c> sandbox/production and V3.6 <c>/dashboard/contracts</c> testnet/mainnet),
/// API keys, webhook endpoints and the plan. Bearer calls need no CSRF header.
/// </summary>
/// <remarks>
/// Every member is virtual, for test doubles; <see cref="ActivateAndWaitAsync"/> goes through <see cref="ActivateAsync"/>
/// and <see cref="GetEnvironmentStatusAsync"/>, so a double that overrides those two also serves it.
/// </remarks>
public class PacSpaceDashboardClient : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan DefaultActivationTimeout = TimeSpan.FromMinutes(2);

    private readonly HttpClient? _http;
    private readonly bool _ownsHttp;
    private readonly ApiTransport? _api;
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

    /// <summary>
    /// For mocking: a client with no connection, polling on the system clock. A subclass overrides the members its test
    /// uses; the others throw <see cref="InvalidOperationException"/>.
    /// </summary>
    protected PacSpaceDashboardClient()
    {
        _time = TimeProvider.System;
    }

    private ApiTransport Api => _api ?? throw TestDouble.NotConnected(this);

    /// <summary>The JWT in use (after <see cref="LoginAsync(string, string, CancellationToken)"/> or from the options).</summary>
    public virtual string? AccessToken => Api.BearerToken;

    /// <summary>Logs in; later calls carry the returned JWT.</summary>
    public virtual Task<LoginResult> LoginAsync(string email, string password, CancellationToken cancellationToken = default) =>
        LoginAsync(email, password, code: null, cancellationToken);

    /// <summary>
    /// Logs in to an account with two-factor authentication: <paramref name="code"/> is the 6-digit code of the
    /// authenticator app or a recovery code. Without one such an account answers <see cref="PacSpaceErrorCodes.TwoFactorRequired"/>.
    /// </summary>
    public virtual async Task<LoginResult> LoginAsync(string email, string password, string? code, CancellationToken cancellationToken = default)
    {
        object body = code is null ? new { email, password } : new { email, password, code };
        var result = await Api.SendAsync<LoginResult>(HttpMethod.Post, ApiRoutes.Login, body, CallOptions.Public, cancellationToken).ConfigureAwait(false);
        Api.BearerToken = result.AccessToken;
        return result;
    }

    /// <summary>Both environments and their state (<c>none</c>, <c>activating</c>, <c>active</c>, <c>failed</c>; see <see cref="EnvironmentStatuses"/>).</summary>
    public virtual Task<EnvironmentStatus> GetEnvironmentStatusAsync(CancellationToken cancellationToken = default) =>
        Api.SendAsync<EnvironmentStatus>(HttpMethod.Get, ApiRoutes.Environments + "/environment-status", null, CallOptions.Public, cancellationToken);

    /// <summary>The environments with their API endpoints.</summary>
    public virtual Task<IReadOnlyList<EnvironmentInfo>> ListEnvironmentsAsync(CancellationToken cancellationToken = default) =>
        Api.SendAsync<IReadOnlyList<EnvironmentInfo>>(HttpMethod.Get, ApiRoutes.Environments, null, CallOptions.Public, cancellationToken);

    /// <summary>Starts activating <c>sandbox</c> or <c>production</c> (Production needs a paid plan); harmless when already activating or active.</summary>
    public virtual Task<ActivationResult> ActivateAsync(string environment, CancellationToken cancellationToken = default) =>
        Api.SendAsync<ActivationResult>(HttpMethod.Post, ApiRoutes.Environments + "/provision", new { environment }, CallOptions.Public, cancellationToken);

    /// <summary>Activates an environment and reports its state until it is <c>active</c> or <c>failed</c>.</summary>
    /// <param name="environment"><c>sandbox</c> or <c>production</c>.</param>
    /// <param name="progress">Told every state read, e.g. to draw a progress display.</param>
    /// <param name="timeout">Give up after this long (default 2 minutes) with code <c>TIMEOUT</c>.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    public virtual async Task<EnvironmentState> ActivateAndWaitAsync(string environment, IProgress<EnvironmentState>? progress = null, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        await ActivateAsync(environment, cancellationToken).ConfigureAwait(false);
        var started = _time.GetTimestamp();
        var limit = timeout ?? DefaultActivationTimeout;
        while (true)
        {
            var status = await GetEnvironmentStatusAsync(cancellationToken).ConfigureAwait(false);
            var state = status.Get(environment);
            progress?.Report(state);
            if (state.Status is EnvironmentStatuses.Active or EnvironmentStatuses.Failed)
            {
                return state;
            }

            if (_time.GetElapsedTime(started) > limit)
            {
                throw new PacSpaceException(0, PacSpaceErrorCodes.Timeout, $"{environment} was still {state.Status} after {limit.TotalSeconds:0} s.");
            }

            await Task.Delay(PollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>V3.6: both environments as <c>testnet</c>/<c>mainnet</c> with statuses <c>not_provisioned</c>, <c>provisioning</c>, <c>active</c>, <c>error</c>.</summary>
    public virtual Task<JsonElement> GetContractsStatusAsync(string tenantId, CancellationToken cancellationToken = default) =>
        Api.SendForDataAsync(HttpMethod.Get, ApiRoutes.Contracts + "/" + Query.Segment(tenantId) + "/status", null, CallOptions.Public, cancellationToken);

    /// <summary>V3.6: provisions <c>testnet</c> or <c>mainnet</c>.</summary>
    public virtual Task<JsonElement> ProvisionContractAsync(string environment, CancellationToken cancellationToken = default) =>
        Api.SendForDataAsync(HttpMethod.Post, ApiRoutes.Contracts + "/provision", new { environment }, CallOptions.Public, cancellationToken);

    /// <summary>Creates an API key for <c>test</c> (Sandbox) or <c>live</c> (Production). The secret is in this answer only.</summary>
    /// <param name="name">A name to recognise the key by.</param>
    /// <param name="environment"><see cref="PacSpaceEnvironments.TestKeyName"/> (the default) or <see cref="PacSpaceEnvironments.LiveKeyName"/>.</param>
    /// <param name="expiresAt">When the key stops working; default never.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<CreatedApiKey> CreateKeyAsync(string name, string environment = PacSpaceEnvironments.TestKeyName, DateTimeOffset? expiresAt = null,
        CancellationToken cancellationToken = default) =>
        Api.SendAsync<CreatedApiKey>(HttpMethod.Post, ApiRoutes.ApiKeys, new { name, environment, expiresAt }, CallOptions.Public, cancellationToken);

    /// <summary>
    /// Creates a customer ahead of its first delta in <paramref name="environment"/> (<c>sandbox</c> or <c>production</c>; default the
    /// signed-in user's preferred environment), stored by that environment's plane. A repeated create with the same details
    /// answers the stored customer; other details are refused (409 <c>CUSTOMER_EXISTS</c>).
    /// </summary>
    /// <param name="customer">The customer; its null fields are not sent.</param>
    /// <param name="environment"><c>sandbox</c> or <c>production</c>, or null for the user's preferred environment.</param>
    /// <param name="idempotencyKey">Makes retries of this call safe; by default one is made per call and reused across its retries.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<Balance.CreatedCustomer> CreateCustomerAsync(Balance.NewCustomer customer, string? environment = null, string? idempotencyKey = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customer);
        return Api.SendAsync<Balance.CreatedCustomer>(HttpMethod.Post, Query.Build(ApiRoutes.Customers, [("environment", environment)]), customer,
            new CallOptions(false, idempotencyKey ?? "sdk-" + Guid.NewGuid().ToString("N")), cancellationToken);
    }

    /// <summary>The account's keys (never a secret), newest first, a page at a time.</summary>
    public virtual IAsyncEnumerable<ApiKeyInfo> ListKeysAsync(string? environment = null, int pageSize = 100, CancellationToken cancellationToken = default) =>
        PagesAsync<KeyPage, ApiKeyInfo>(ApiRoutes.ApiKeys, environment, pageSize, p => (p.Items, p.Total, p.Limit), cancellationToken);

    /// <summary>Revokes a key at once and for good.</summary>
    public virtual Task<ApiKeyInfo> RevokeKeyAsync(string keyId, CancellationToken cancellationToken = default) =>
        Api.SendAsync<ApiKeyInfo>(HttpMethod.Delete, ApiRoutes.ApiKeys + "/" + Query.Segment(keyId), null, CallOptions.Public, cancellationToken);

    /// <summary>The current plan.</summary>
    public virtual Task<PlanInfo> GetPlanAsync(CancellationToken cancellationToken = default) =>
        Api.SendAsync<PlanInfo>(HttpMethod.Get, ApiRoutes.Plan, null, CallOptions.Public, cancellationToken);

    /// <summary>Changes the plan (self-serve mode).</summary>
    public virtual Task<PlanInfo> SetPlanAsync(string tier, CancellationToken cancellationToken = default) =>
        Api.SendAsync<PlanInfo>(HttpMethod.Post, ApiRoutes.Plan, new { tier }, CallOptions.Public, cancellationToken);

    /// <summary>
    /// Creates a webhook endpoint. The answer is the only one that carries its signing secret (<c>whsec_…</c>); keep it
    /// for <see cref="Webhooks.WebhookVerifier"/>.
    /// </summary>
    /// <param name="url">An http(s) URL that reaches a public address (<c>https://</c> for Production on hosted installations).</param>
    /// <param name="events">Event types to receive (<see cref="WebhookEventTypes"/>); null for all of them.</param>
    /// <param name="environment"><c>sandbox</c> or <c>production</c> (V3.6 and key-prefix names are accepted too); null for the user's preferred environment.</param>
    /// <param name="description">A note to recognise the endpoint by.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<CreatedWebhookEndpoint> CreateWebhookAsync(string url, IReadOnlyList<string>? events = null, string? environment = null, string? description = null,
        CancellationToken cancellationToken = default) =>
        Api.SendAsync<CreatedWebhookEndpoint>(HttpMethod.Post, ApiRoutes.Webhooks, new { url, description, events, environment }, CallOptions.Public, cancellationToken);

    /// <summary>The account's webhook endpoints (never a secret), newest first, a page at a time.</summary>
    /// <param name="environment"><c>sandbox</c> or <c>production</c> for one environment's; null for both.</param>
    /// <param name="pageSize">Endpoints per request, 1 to 100.</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    public virtual IAsyncEnumerable<WebhookEndpoint> ListWebhooksAsync(string? environment = null, int pageSize = 100, CancellationToken cancellationToken = default) =>
        PagesAsync<WebhookPage, WebhookEndpoint>(ApiRoutes.Webhooks, environment, pageSize, p => (p.Webhooks, p.Pagination.Total, p.Pagination.Limit), cancellationToken);

    /// <summary>One webhook endpoint (never its secret).</summary>
    public virtual Task<WebhookEndpoint> GetWebhookAsync(string webhookId, CancellationToken cancellationToken = default) =>
        Api.SendAsync<WebhookEndpoint>(HttpMethod.Get, WebhookPath(webhookId), null, CallOptions.Public, cancellationToken);

    /// <summary>Changes a webhook endpoint's URL, description, events or enabled flag.</summary>
    public virtual Task<WebhookEndpoint> UpdateWebhookAsync(string webhookId, WebhookEndpointChanges changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return Api.SendAsync<WebhookEndpoint>(HttpMethod.Patch, WebhookPath(webhookId),
            new { url = changes.Url, description = changes.Description, events = changes.Events, enabled = changes.Enabled }, CallOptions.Public, cancellationToken);
    }

    /// <summary>
    /// Gives a webhook endpoint a new signing secret. For <paramref name="overlap"/> (0 to 24 hours, default 24) deliveries are
    /// signed with both, the new one first, so receivers can switch without missing one.
    /// </summary>
    public virtual Task<RotatedWebhookSecret> RotateWebhookSecretAsync(string webhookId, TimeSpan? overlap = null, CancellationToken cancellationToken = default) =>
        Api.SendAsync<RotatedWebhookSecret>(HttpMethod.Post, WebhookPath(webhookId) + "/rotate-secret",
            new { overlapHours = overlap?.TotalHours }, CallOptions.Public, cancellationToken);

    /// <summary>Deletes a webhook endpoint for good; nothing is sent to it afterwards.</summary>
    public virtual Task DeleteWebhookAsync(string webhookId, CancellationToken cancellationToken = default) =>
        Api.SendForDataAsync(HttpMethod.Delete, WebhookPath(webhookId), null, CallOptions.Public, cancellationToken);

    /// <summary>
    /// Sends a <c>ping</c> to a webhook endpoint now, signed like every delivery, and returns what its receiver answered
    /// (a receiver that fails is a result, not an exception).
    /// </summary>
    /// <exception cref="PacSpaceException"><see cref="PacSpaceErrorCodes.WebhookDisabled"/> for a disabled endpoint,
    /// <see cref="PacSpaceErrorCodes.WebhookNotSynced"/> while its environment does not have it yet (try again in a few seconds),
    /// <see cref="PacSpaceErrorCodes.NotFound"/>, or the environment did not answer.</exception>
    public virtual Task<WebhookTestResult> TestWebhookAsync(string webhookId, CancellationToken cancellationToken = default) =>
        Api.SendAsync<WebhookTestResult>(HttpMethod.Post, WebhookPath(webhookId) + "/test", null, CallOptions.Public, cancellationToken);

    /// <summary>A page of an environment's webhook delivery log, newest first.</summary>
    /// <param name="environment"><c>sandbox</c> or <c>production</c>; null for the user's preferred environment.</param>
    /// <param name="status">Only deliveries in this state (<see cref="WebhookDeliveryStatuses"/>, or <c>QUEUED</c>, <c>PROCESSING</c>, <c>VERIFIED</c>, <c>FAILED</c>).</param>
    /// <param name="limit">Deliveries per page, 1 to 100; null for the server's default.</param>
    /// <param name="offset">Deliveries to skip.</param>
    /// <param name="endpointId">Only deliveries to this endpoint.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<WebhookDeliveryPage> ListWebhookDeliveriesAsync(string? environment = null, string? status = null, int? limit = null, long? offset = null,
        string? endpointId = null, CancellationToken cancellationToken = default) =>
        Api.SendAsync<WebhookDeliveryPage>(HttpMethod.Get, Query.Build(ApiRoutes.WebhookDeliveries,
            [("environment", environment), ("status", status), ("limit", limit), ("offset", offset), ("endpointId", endpointId)]), null, CallOptions.Public, cancellationToken);

    /// <summary>One event's delivery to each of its endpoints, with every attempt (<see cref="WebhookDelivery.AttemptLog"/>).</summary>
    /// <param name="eventId">The event's id (<c>X-Event-ID</c>).</param>
    /// <param name="environment"><c>sandbox</c> or <c>production</c>; null for the user's preferred environment.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<WebhookDeliveryPage> GetWebhookDeliveryAsync(string eventId, string? environment = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventId);
        return Api.SendAsync<WebhookDeliveryPage>(HttpMethod.Get, Query.Build(ApiRoutes.WebhookDeliveries + "/" + Query.Segment(eventId), [("environment", environment)]),
            null, CallOptions.Public, cancellationToken);
    }

    /// <summary>Sends an event again now to each of its endpoints that still exists and is enabled, delivered ones included.</summary>
    /// <param name="eventId">The event's id (<c>X-Event-ID</c>).</param>
    /// <param name="environment"><c>sandbox</c> or <c>production</c>; null for the user's preferred environment.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<WebhookRetryResult> RetryWebhookDeliveryAsync(string eventId, string? environment = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventId);
        return Api.SendAsync<WebhookRetryResult>(HttpMethod.Post,
            Query.Build(ApiRoutes.WebhookDeliveries + "/" + Query.Segment(eventId) + "/retry", [("environment", environment)]), new { }, CallOptions.Public, cancellationToken);
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

    /// <summary>Every item of a paged list route (<c>environment</c>, <c>page</c>, <c>limit</c>), one request per page.</summary>
    private async IAsyncEnumerable<TItem> PagesAsync<TPage, TItem>(string route, string? environment, int pageSize,
        Func<TPage, (IReadOnlyList<TItem> Items, long Total, int Limit)> read, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var page = 1; ; page++)
        {
            var (items, total, limit) = read(await Api.SendAsync<TPage>(HttpMethod.Get,
                Query.Build(route, [("environment", environment), ("page", page), ("limit", pageSize)]), null, CallOptions.Public, cancellationToken).ConfigureAwait(false));
            foreach (var item in items)
            {
                yield return item;
            }

            if (items.Count == 0 || (long)page * limit >= total)
            {
                yield break;
            }
        }
    }

    private static string WebhookPath(string webhookId) => ApiRoutes.Webhooks + "/" + Query.Segment(webhookId);

    private sealed record KeyPage(IReadOnlyList<ApiKeyInfo> Items, long Total, int Page, int Limit);

    private sealed record WebhookPage(IReadOnlyList<WebhookEndpoint> Webhooks, WebhookPagination Pagination);

    private sealed record WebhookPagination(int Page, int Limit, long Total, long TotalPages);
}
