using System.Runtime.CompilerServices;
using PacSpace.Sdk.Http;
using PacSpace.Sdk.Webhooks;

namespace PacSpace.Sdk.Balance;

/// <summary>Per-call options of a write.</summary>
/// <param name="IdempotencyKey">Sent as <c>Idempotency-Key</c>; by default the SDK makes one per call and reuses it across that call's retries.</param>
public sealed record RequestOptions(string? IdempotencyKey = null);

/// <summary>The Balance API: record deltas, read their status, derive and compare balances, close periods, list customers.</summary>
/// <remarks>
/// Every method is virtual, for test doubles. The composite methods go through the virtual ones: a double that overrides
/// <see cref="GetDeltaAsync"/> also serves <see cref="WaitForVerifiedAsync"/>, one that overrides <see cref="DeriveAsync"/>
/// also serves <see cref="ListDeltasAsync"/>, and <see cref="GetReceiptAsync"/> calls <see cref="GetInvoiceProofAsync"/>.
/// </remarks>
public class BalanceClient
{
    private const string IdempotencyKeyPrefix = "sdk-";

    private readonly ApiTransport? _api;
    private readonly TimeProvider _time;
    private readonly string? _dashboardToken;

    internal BalanceClient(ApiTransport api, TimeProvider time, string? dashboardToken = null)
    {
        _api = api;
        _time = time;
        _dashboardToken = dashboardToken;
    }

    /// <summary>
    /// For mocking: a client with no connection, polling on the system clock. A subclass overrides the methods its test
    /// uses; the others throw <see cref="InvalidOperationException"/> once they need the network.
    /// </summary>
    protected BalanceClient()
    {
        _time = TimeProvider.System;
    }

    private ApiTransport Api => _api ?? throw TestDouble.NotConnected(this);

    /// <summary>Records a delta. Answered once it is durable (status <c>QUEUED</c>); it becomes <c>VERIFIED</c> within about a second.</summary>
    /// <remarks>Retried on transient failures with the same <c>Idempotency-Key</c>, so a delta is recorded once however many attempts it takes.</remarks>
    /// <exception cref="PacSpaceException">The API refused it (e.g. <c>VALIDATION_ERROR</c>, <c>PLAN_LIMIT_REACHED</c>) or could not be reached.</exception>
    public virtual Task<DeltaReceipt> EmitAsync(NewDelta delta, RequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delta);
        return Api.SendAsync<DeltaReceipt>(HttpMethod.Post, ApiRoutes.Balance + "/delta", delta,
            new CallOptions(true, options?.IdempotencyKey ?? NewIdempotencyKey()), cancellationToken);
    }

    /// <summary>Records up to 100 deltas in one call; each succeeds or fails on its own (see <see cref="BatchResult.Results"/>).</summary>
    public virtual Task<BatchResult> EmitBatchAsync(IReadOnlyList<NewDelta> deltas, RequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deltas);
        ArgumentOutOfRangeException.ThrowIfZero(deltas.Count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(deltas.Count, 100);
        return Api.SendAsync<BatchResult>(HttpMethod.Post, ApiRoutes.Balance + "/delta/batch", new { deltas },
            new CallOptions(true, options?.IdempotencyKey ?? NewIdempotencyKey()), cancellationToken);
    }

    /// <summary>A delta's status and, once <c>VERIFIED</c>, its place in the log.</summary>
    public virtual Task<DeltaStatus> GetDeltaAsync(string recordId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(recordId);
        return Api.SendAsync<DeltaStatus>(HttpMethod.Get, ApiRoutes.Balance + "/delta/" + Query.Segment(recordId), null, CallOptions.Default, cancellationToken);
    }

    /// <summary>Polls a delta until it is <c>VERIFIED</c> or <c>FAILED</c> (returned, not thrown).</summary>
    /// <param name="recordId">The delta's record id.</param>
    /// <param name="timeout">How long to wait in total. Default 60 seconds.</param>
    /// <param name="pollInterval">Time between polls. Default 250 ms.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="PacSpaceException">Code <c>TIMEOUT</c> when the delta is still queued after <paramref name="timeout"/>.</exception>
    public virtual async Task<DeltaStatus> WaitForVerifiedAsync(string recordId, TimeSpan? timeout = null, TimeSpan? pollInterval = null, CancellationToken cancellationToken = default)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        var interval = pollInterval ?? TimeSpan.FromMilliseconds(250);
        var started = _time.GetTimestamp();
        while (true)
        {
            var status = await GetDeltaAsync(recordId, cancellationToken).ConfigureAwait(false);
            if (status.Status is DeltaStatuses.Verified or DeltaStatuses.Failed)
            {
                return status;
            }

            var left = limit - _time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                throw new PacSpaceException(0, PacSpaceErrorCodes.Timeout, $"Delta {recordId} was still {status.Status} after {limit.TotalSeconds:0.###} s.");
            }

            await Task.Delay(interval < left ? interval : left, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A customer's balance from VERIFIED deltas. No scope = the current UTC month.</summary>
    /// <param name="customerId">Your id of the customer.</param>
    /// <param name="scope">The window or starting point; null = the current UTC month.</param>
    /// <param name="startingBalance">Added to the scope's net change.</param>
    /// <param name="limit">How many of the scope's deltas to list (1–1000, default 100); the balance always covers the whole scope.</param>
    /// <param name="offset">Skip this many of the scope's deltas in the list.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<DerivedBalance> DeriveAsync(string customerId, BalanceScope? scope = null, long startingBalance = 0, int? limit = null, long? offset = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(customerId);
        var path = Query.Build(ApiRoutes.Balance + "/derive/" + Query.Segment(customerId),
            [("startingBalance", startingBalance == 0 ? null : startingBalance), ("limit", limit), ("offset", offset), .. (scope?.QueryParameters() ?? [])]);
        return Api.SendAsync<DerivedBalance>(HttpMethod.Get, path, null, CallOptions.Default, cancellationToken);
    }

    /// <summary>Every VERIFIED delta of a customer in a scope, in log order, fetched a page at a time.</summary>
    public virtual async IAsyncEnumerable<LoggedDelta> ListDeltasAsync(string customerId, BalanceScope? scope = null, int pageSize = 1000,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (long offset = 0; ; )
        {
            var page = await DeriveAsync(customerId, scope, 0, pageSize, offset, cancellationToken).ConfigureAwait(false);
            foreach (var delta in page.Deltas)
            {
                yield return delta;
            }

            offset += page.Deltas.Count;
            if (page.Deltas.Count == 0 || offset >= page.Pagination.Total)
            {
                yield break;
            }
        }
    }

    /// <summary>Compares your and your counterparty's view of a balance with the neutral one derived from the log.</summary>
    public virtual Task<BalanceComparison> CompareAsync(string customerId, long yourBalance, long theirBalance, BalanceScope? scope = null, long startingBalance = 0,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(customerId);
        var body = new Dictionary<string, object?>
        {
            ["customerId"] = customerId,
            ["yourBalance"] = yourBalance,
            ["theirBalance"] = theirBalance,
            ["startingBalance"] = startingBalance,
        };
        scope?.AddTo(body);
        return Api.SendAsync<BalanceComparison>(HttpMethod.Post, ApiRoutes.Balance + "/compare", body, CallOptions.Default, cancellationToken);
    }

    /// <summary>
    /// Closes a window of the log (default: the current UTC month so far) into a period checkpoint with its proof root.
    /// Asking again for the same window returns the same checkpoint while nothing new was recorded in it.
    /// </summary>
    /// <param name="scope">The window; null = the current UTC month.</param>
    /// <param name="customerId">Adds this customer's opening and closing balance and its balance proof.</param>
    /// <param name="options">Per-call options (idempotency key).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">The scope resumes from a checkpoint (only derive and compare take that).</exception>
    public virtual Task<PeriodCheckpoint> CheckpointAsync(BalanceScope? scope = null, string? customerId = null, RequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        RefuseStartingPoint(scope);
        var body = new Dictionary<string, object?>();
        if (customerId is not null)
        {
            body["customerId"] = customerId;
        }

        scope?.AddTo(body);
        return Api.SendAsync<PeriodCheckpoint>(HttpMethod.Post, ApiRoutes.Balance + "/checkpoint", body,
            new CallOptions(true, options?.IdempotencyKey ?? NewIdempotencyKey()), cancellationToken);
    }

    /// <summary>Checkpoints, newest first; filtered by customer and/or exact window.</summary>
    public virtual async IAsyncEnumerable<PeriodCheckpoint> ListCheckpointsAsync(string? customerId = null, BalanceScope? scope = null, int pageSize = 100,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        RefuseStartingPoint(scope);
        for (long offset = 0; ; )
        {
            var path = Query.Build(ApiRoutes.Balance + "/checkpoints", [("customerId", customerId), ("limit", pageSize), ("offset", offset), .. (scope?.QueryParameters() ?? [])]);
            var page = await Api.SendAsync<CheckpointPage>(HttpMethod.Get, path, null, CallOptions.Default, cancellationToken).ConfigureAwait(false);
            foreach (var checkpoint in page.Checkpoints)
            {
                yield return checkpoint;
            }

            offset += page.Checkpoints.Count;
            if (page.Checkpoints.Count == 0 || offset >= page.Pagination.Total)
            {
                yield break;
            }
        }
    }

    /// <summary>A customer's receipt for the current UTC month (<c>GET /api/v1/balance/receipt/{customerId}</c>): proof root, balances, the proof of the closing balance and the month's deltas.</summary>
    public virtual Task<InvoiceProof> GetReceiptAsync(string customerId, CancellationToken cancellationToken = default) =>
        GetInvoiceProofAsync(customerId, null, cancellationToken);

    /// <summary>A customer's statement for a window (default: the current UTC month): proof root, balances and the proof of the closing balance.</summary>
    public virtual Task<InvoiceProof> GetInvoiceProofAsync(string customerId, BalanceScope? scope = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(customerId);
        RefuseStartingPoint(scope);
        var path = Query.Build(ApiRoutes.Balance + (scope is null ? "/receipt/" : "/invoice-proof/") + Query.Segment(customerId),
            scope?.QueryParameters() ?? []);
        return Api.SendAsync<InvoiceProof>(HttpMethod.Get, path, null, CallOptions.Default, cancellationToken);
    }

    /// <summary>
    /// Every customer with a VERIFIED delta or created ahead of its deltas, optionally those whose id contains <paramref name="search"/>
    /// (any case).
    /// </summary>
    public virtual async IAsyncEnumerable<CustomerSummary> ListCustomersAsync(string? search = null, int pageSize = 100,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var page = 1; ; page++)
        {
            var path = Query.Build(ApiRoutes.Balance + "/customers", [("search", search), ("limit", pageSize), ("page", page)]);
            var list = await Api.SendAsync<CustomerPage>(HttpMethod.Get, path, null, CallOptions.Default, cancellationToken).ConfigureAwait(false);
            foreach (var customer in list.Customers)
            {
                yield return customer;
            }

            if (page >= list.Pagination.TotalPages)
            {
                yield break;
            }
        }
    }

    /// <summary>One customer: balance, latest checkpoint, a period's figures and recent activity.</summary>
    public virtual Task<CustomerDetail> GetCustomerAsync(string customerId, string? period = null, int? deltaPage = null, int? deltaLimit = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(customerId);
        var path = Query.Build(ApiRoutes.Balance + "/customers/" + Query.Segment(customerId), [("period", period), ("deltaPage", deltaPage), ("deltaLimit", deltaLimit)]);
        return Api.SendAsync<CustomerDetail>(HttpMethod.Get, path, null, CallOptions.Default, cancellationToken);
    }

    /// <summary>
    /// Creates a customer in the key's environment ahead of its first delta (<c>POST /dashboard/customers</c> at this client's
    /// endpoint, as the official clients send it): its display name and unit label then show in <see cref="ListCustomersAsync"/>
    /// and <see cref="GetCustomerAsync"/>, with a zero balance until its deltas arrive. A Balance API key alone cannot create
    /// customers: the call also carries a dashboard token of a user of the key's account, sent as <c>Authorization: Bearer</c>.
    /// </summary>
    /// <remarks>
    /// Creating a customer that exists with the same details answers the stored customer; with other details the server refuses
    /// it (409 <c>CUSTOMER_EXISTS</c>): nothing is overwritten. Retried on transient failures with the same <c>Idempotency-Key</c>,
    /// so a customer whose id the server makes is created once however many attempts it takes.
    /// </remarks>
    /// <param name="customer">The customer; its null fields are not sent.</param>
    /// <param name="dashboardToken">The dashboard access token (from a login); default <see cref="PacSpaceClientOptions.DashboardToken"/>.</param>
    /// <param name="options">Per-call options (idempotency key).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="InvalidOperationException">No dashboard token was given here or in the options; nothing was sent.</exception>
    /// <exception cref="PacSpaceException">The API refused it (<c>VALIDATION_ERROR</c>, <c>UNAUTHENTICATED</c> for a missing, ended or other
    /// account's token, <c>CUSTOMER_EXISTS</c>) or could not be reached.</exception>
    public virtual Task<CreatedCustomer> CreateCustomerAsync(NewCustomer customer, string? dashboardToken = null, RequestOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customer);
        var token = dashboardToken ?? _dashboardToken;
        if (string.IsNullOrWhiteSpace(token))
        {
            throw new InvalidOperationException(
                "Creating a customer needs a dashboard token besides the API key: pass dashboardToken (the accessToken of a login) or set PacSpaceClientOptions.DashboardToken.");
        }

        return Api.SendAsync<CreatedCustomer>(HttpMethod.Post, ApiRoutes.Customers, customer,
            new CallOptions(true, options?.IdempotencyKey ?? NewIdempotencyKey(), token), cancellationToken);
    }

    /// <summary>A page of the webhook delivery log of the key's environment, newest first.</summary>
    /// <param name="status">Only deliveries in this state: <c>QUEUED</c>, <c>PROCESSING</c>, <c>VERIFIED</c>, <c>FAILED</c> (or <see cref="WebhookDeliveryStatuses"/>).</param>
    /// <param name="limit">Deliveries per page; null for the server's default.</param>
    /// <param name="offset">Deliveries to skip.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<WebhookDeliveryPage> ListWebhookDeliveriesAsync(string? status = null, int? limit = null, long? offset = null, CancellationToken cancellationToken = default) =>
        Api.SendAsync<WebhookDeliveryPage>(HttpMethod.Get, Query.Build(ApiRoutes.BalanceWebhooks, [("status", status), ("limit", limit), ("offset", offset)]),
            null, CallOptions.Default, cancellationToken);

    /// <summary>One event's delivery to each of its endpoints, with every attempt (<see cref="WebhookDelivery.AttemptLog"/>).</summary>
    /// <param name="eventId">The event's id (<c>X-Event-ID</c>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<WebhookDeliveryPage> GetWebhookDeliveryAsync(string eventId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventId);
        return Api.SendAsync<WebhookDeliveryPage>(HttpMethod.Get, ApiRoutes.BalanceWebhooks + "/" + Query.Segment(eventId), null, CallOptions.Default, cancellationToken);
    }

    /// <summary>Sends an event again now to each of its endpoints that still exists and is enabled, delivered ones included.</summary>
    /// <param name="eventId">The event's id (<c>X-Event-ID</c>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<WebhookRetryResult> RetryWebhookAsync(string eventId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventId);
        return Api.SendAsync<WebhookRetryResult>(HttpMethod.Post, ApiRoutes.BalanceWebhooks + "/" + Query.Segment(eventId) + "/retry", new { }, CallOptions.Default,
            cancellationToken);
    }

    /// <summary>What the plan allows and what is used in this environment.</summary>
    public virtual Task<Usage> GetUsageAsync(CancellationToken cancellationToken = default) =>
        Api.SendAsync<Usage>(HttpMethod.Get, ApiRoutes.Balance + "/usage", null, CallOptions.Default, cancellationToken);

    private static void RefuseStartingPoint(BalanceScope? scope)
    {
        if (scope is { IsStartingPoint: true })
        {
            throw new ArgumentException("A starting checkpoint is only accepted by derive and compare; give a window (Month, Preset, Custom).", nameof(scope));
        }
    }

    private static string NewIdempotencyKey() => IdempotencyKeyPrefix + Guid.NewGuid().ToString("N");

    private sealed record CheckpointPage(IReadOnlyList<PeriodCheckpoint> Checkpoints, OffsetPage Pagination);

    private sealed record CustomerPage(IReadOnlyList<CustomerSummary> Customers, PageInfo Pagination);
}
