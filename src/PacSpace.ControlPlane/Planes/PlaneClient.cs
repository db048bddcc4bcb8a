using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using PacSpace.Contracts.Customers;
using PacSpace.Contracts.Keys;
using PacSpace.Contracts.Planes;
using PacSpace.Contracts.Webhooks;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Json;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Planes;

/// <summary>The control plane's only way into a plane: its internal HTTP API, with the service secret. Every call is idempotent.</summary>
internal sealed class PlaneClient(HttpClient http, IOptions<PlanesOptions> planes)
{
    // Every call takes the caller's timeout: an unanswered call is cancelled with an OperationCanceledException
    // while cancellationToken is not, which IsUnavailable tells apart from shutdown.

    /// <summary>Creates (or finds) the tenant's ledger on the plane. Throws on any failure; the caller retries.</summary>
    public async Task<TenantLedgerInfo> EnsureTenantAsync(PacSpaceEnvironment env, string tenantId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = Deadline(timeout, cancellationToken);
        using var request = Request(HttpMethod.Put, env, $"/internal/v1/tenants/{Uri.EscapeDataString(tenantId)}");
        using var response = await SendAsync(env, request, deadline.Token);
        return await ReadDataAsync<TenantLedgerInfo>(response, deadline.Token);
    }

    /// <summary>Delivers the latest state of a key to the plane of its environment. Throws on any failure.</summary>
    public Task PutKeyAsync(KeyStateMessage state, TimeSpan timeout, CancellationToken cancellationToken) =>
        PutAsync(EnvOfKey(state.Environment), $"/internal/v1/keys/{Uri.EscapeDataString(state.PublicId)}", state, timeout, cancellationToken);

    /// <summary>Delivers the latest state of a webhook endpoint (its secrets included) to the plane of its environment. Throws on any failure.</summary>
    public Task PutWebhookAsync(WebhookEndpointState state, TimeSpan timeout, CancellationToken cancellationToken) =>
        PutAsync(PacSpaceEnvironments.FromStored(state.Environment), $"/internal/v1/webhooks/{Uri.EscapeDataString(state.Id)}", state, timeout, cancellationToken);

    /// <summary>Reads one page of the plane's key-usage feed after the cursor.</summary>
    public async Task<KeyUsagePage> GetUsageAsync(PacSpaceEnvironment env, long after, string afterId, int limit, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = Deadline(timeout, cancellationToken);
        using var request = Request(HttpMethod.Get, env,
            $"/internal/v1/keys/usage?after={after}&afterId={Uri.EscapeDataString(afterId)}&limit={limit}");
        using var response = await SendAsync(env, request, deadline.Token);
        return await ReadDataAsync<KeyUsagePage>(response, deadline.Token);
    }

    /// <summary>Reads one page of the plane's webhook stats feed: endpoints whose figures changed strictly after <c>(after, afterId)</c>.</summary>
    public async Task<WebhookStatsPage> GetWebhookStatsAsync(PacSpaceEnvironment env, long after, string afterId, int limit, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        using var deadline = Deadline(timeout, cancellationToken);
        using var request = Request(HttpMethod.Get, env,
            $"/internal/v1/webhooks/stats?after={after}&afterId={Uri.EscapeDataString(afterId)}&limit={limit}");
        using var response = await SendAsync(env, request, deadline.Token);
        return await ReadDataAsync<WebhookStatsPage>(response, deadline.Token);
    }

    /// <summary>
    /// Has the plane send a <c>ping</c> to the tenant's endpoint now. The plane's 404 (it holds no enabled endpoint of that
    /// tenant by that id) comes back as its <see cref="Error"/>; any other failure throws (<see cref="IsUnavailable"/>).
    /// </summary>
    public Task<Result<WebhookTestResult>> TestWebhookAsync(PacSpaceEnvironment env, string tenantId, string webhookId, TimeSpan timeout,
        CancellationToken cancellationToken) =>
        SendForResultAsync<WebhookTestResult>(env, HttpMethod.Post, $"/internal/v1/webhooks/{Uri.EscapeDataString(webhookId)}/test",
            new WebhookTestRequest(tenantId), timeout, cancellationToken);

    /// <summary>
    /// A page of the tenant's webhook delivery log on the plane, newest first; null filters are left out. The plane's refusal
    /// (400 naming a field, 404) comes back as its <see cref="Error"/>; any other failure throws.
    /// </summary>
    public Task<Result<WebhookDeliveryPage>> ListWebhookDeliveriesAsync(PacSpaceEnvironment env, string tenantId, string? status, int? limit, long? offset,
        string? endpointId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var query = new List<string>(4);
        Add(query, "status", status);
        Add(query, "limit", limit?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add(query, "offset", offset?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add(query, "endpointId", endpointId);
        return SendForResultAsync<WebhookDeliveryPage>(env, HttpMethod.Get,
            DeliveriesPath(tenantId) + (query.Count == 0 ? "" : "?" + string.Join('&', query)), null, timeout, cancellationToken);

        static void Add(List<string> query, string name, string? value)
        {
            if (value is not null)
            {
                query.Add(name + "=" + Uri.EscapeDataString(value));
            }
        }
    }

    /// <summary>One event's deliveries with their attempts (404 as an <see cref="Error"/> when the tenant has no such event on the plane).</summary>
    public Task<Result<WebhookDeliveryPage>> GetWebhookDeliveryAsync(PacSpaceEnvironment env, string tenantId, string eventId, TimeSpan timeout,
        CancellationToken cancellationToken) =>
        SendForResultAsync<WebhookDeliveryPage>(env, HttpMethod.Get, DeliveriesPath(tenantId) + "/" + Uri.EscapeDataString(eventId), null, timeout, cancellationToken);

    /// <summary>Queues an event's deliveries for an attempt now (404 as an <see cref="Error"/> when the tenant has no such event on the plane).</summary>
    public Task<Result<WebhookRetryResult>> RetryWebhookDeliveryAsync(PacSpaceEnvironment env, string tenantId, string eventId, TimeSpan timeout,
        CancellationToken cancellationToken) =>
        SendForResultAsync<WebhookRetryResult>(env, HttpMethod.Post, DeliveriesPath(tenantId) + "/" + Uri.EscapeDataString(eventId) + "/retry",
            new { }, timeout, cancellationToken);

    /// <summary>
    /// Creates a customer of the tenant on the plane of <paramref name="env"/> from the client's own JSON body. The plane's
    /// refusal of the request (400, 409, 412) comes back as its <see cref="Error"/>, to be answered as it is; any other failure
    /// throws (<see cref="IsUnavailable"/>).
    /// </summary>
    public async Task<Result<(CustomerProfileInfo Customer, bool Created)>> CreateCustomerAsync(PacSpaceEnvironment env, string tenantId, string? userId,
        string body, string? idempotencyKey, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = Deadline(timeout, cancellationToken);
        using var request = Request(HttpMethod.Post, env, CustomerProvisioning.Path(tenantId));
        request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        if (userId is not null)
        {
            request.Headers.TryAddWithoutValidation(CustomerProvisioning.UserHeader, userId);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation(CustomerProvisioning.IdempotencyKeyHeader, idempotencyKey);
        }

        using var answer = await http.SendAsync(request, deadline.Token);
        if ((int)answer.StatusCode is 400 or 409 or 412)
        {
            return await ReadErrorAsync(answer, deadline.Token);
        }

        await EnsureSuccessAsync(env, answer, deadline.Token);
        return (await ReadDataAsync<CustomerProfileInfo>(answer, deadline.Token), answer.StatusCode == System.Net.HttpStatusCode.Created);
    }

    /// <summary>
    /// A read route of the plane (<see cref="Contracts.Reads.ReadRoutes"/>): <paramref name="path"/> with the query values that
    /// are not null. The plane's refusal (400 naming a field, 404 for what the tenant does not have there) comes back as its
    /// <see cref="Error"/>; any other failure throws (<see cref="IsUnavailable"/>).
    /// </summary>
    public Task<Result<T>> ReadAsync<T>(PacSpaceEnvironment env, string path, IEnumerable<KeyValuePair<string, string?>> query, TimeSpan timeout,
        CancellationToken cancellationToken)
        where T : class
    {
        var pairs = query.Where(p => p.Value is not null).Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value!)).ToList();
        return SendForResultAsync<T>(env, HttpMethod.Get, path + (pairs.Count == 0 ? "" : "?" + string.Join('&', pairs)), null, timeout, cancellationToken);
    }

    /// <summary>
    /// A call whose expected refusals (400, 404, 409, 412) are the plane's answer to pass on as its <see cref="Error"/>;
    /// anything else that is not a success throws.
    /// </summary>
    private async Task<Result<T>> SendForResultAsync<T>(PacSpaceEnvironment env, HttpMethod method, string path, object? body, TimeSpan timeout,
        CancellationToken cancellationToken)
        where T : class
    {
        using var deadline = Deadline(timeout, cancellationToken);
        using var request = Request(method, env, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: JsonDefaults.Options);
        }

        using var answer = await http.SendAsync(request, deadline.Token);
        if ((int)answer.StatusCode is 400 or 404 or 409 or 412)
        {
            return await ReadErrorAsync(answer, deadline.Token);
        }

        await EnsureSuccessAsync(env, answer, deadline.Token);
        return await ReadDataAsync<T>(answer, deadline.Token);
    }

    private static string DeliveriesPath(string tenantId) => $"/internal/v1/tenants/{Uri.EscapeDataString(tenantId)}/webhook-deliveries";

    private async Task PutAsync<T>(PacSpaceEnvironment env, string path, T state, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = Deadline(timeout, cancellationToken);
        using var request = Request(HttpMethod.Put, env, path);
        request.Content = JsonContent.Create(state, options: JsonDefaults.Options);
        using var response = await SendAsync(env, request, deadline.Token);
    }

    /// <summary>A plane that failed or did not answer in time, as opposed to this process shutting down or a bug.</summary>
    public static bool IsUnavailable(Exception ex, CancellationToken cancellationToken) =>
        ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested;

    public static PacSpaceEnvironment EnvOfKey(string keyEnvironment) => PacSpaceEnvironments.FromStoredKeyName(keyEnvironment);

    public string PublicUrl(PacSpaceEnvironment env) => Endpoint(env).PublicUrl;

    public string InternalUrl(PacSpaceEnvironment env) => Endpoint(env).InternalUrl;

    private static CancellationTokenSource Deadline(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        return deadline;
    }

    private PlaneEndpoint Endpoint(PacSpaceEnvironment env) => env == PacSpaceEnvironment.Sandbox ? planes.Value.Sandbox : planes.Value.Production;

    private HttpRequestMessage Request(HttpMethod method, PacSpaceEnvironment env, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(new Uri(Endpoint(env).InternalUrl), path));
        request.Headers.Add(InternalApi.SecretHeader, planes.Value.ServiceSecret);
        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(PacSpaceEnvironment env, HttpRequestMessage request, CancellationToken cancellationToken) =>
        await EnsureSuccessAsync(env, await http.SendAsync(request, cancellationToken), cancellationToken);

    private static async Task<HttpResponseMessage> EnsureSuccessAsync(PacSpaceEnvironment env, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            response.Dispose();
            throw new HttpRequestException($"the {env.Name()} plane answered {(int)response.StatusCode}: {Truncate(body)}", null, response.StatusCode);
        }

        return response;
    }

    /// <summary>A plane's error envelope as the <see cref="Error"/> it carries.</summary>
    private static async Task<Error> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var failure = (await response.Content.ReadFromJsonAsync<PlaneFailure>(JsonDefaults.Options, cancellationToken))?.Error
            ?? throw new InvalidDataException($"The plane answered {status} without an error.");
        return new Error(status, failure.Code, failure.Message) { Details = failure.Details is { Count: > 0 } d ? d : null, RetryAfterSeconds = failure.RetryAfterSeconds };
    }

    private static string Truncate(string s) => s.Length <= 200 ? s : s[..200] + "…";

    /// <summary>The <c>data</c> member of a plane's envelope, as the contract type both ends share.</summary>
    private static async Task<T> ReadDataAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
        where T : class =>
        (await response.Content.ReadFromJsonAsync<PlaneAnswer<T>>(JsonDefaults.Options, cancellationToken))?.Data
            ?? throw new InvalidDataException($"The plane answered without data for {typeof(T).Name}.");

    /// <summary>The part of a plane's error envelope the control plane reads.</summary>
    private sealed record PlaneFailure(PlaneError? Error);

    private sealed record PlaneError(string Code, string Message, IReadOnlyList<ErrorDetail>? Details, int? RetryAfterSeconds);

    /// <summary>The part of the plane's envelope the control plane reads.</summary>
    private sealed record PlaneAnswer<T>(T? Data)
        where T : class;
}
