using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Web;

namespace PacSpace.Plane.Features.Webhooks;

/// <summary>Wakes the dispatcher when an event was written, so it does not wait for its next poll.</summary>
internal sealed class WebhookSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Wake()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}

/// <summary>
/// Delivers this plane's webhook events. Each round it fans new outbox rows out into deliveries and starts a sender for
/// each endpoint with an attempt due that has none running. A sender claims a batch of its endpoint's due deliveries
/// (a lease, so another replica leaves them alone), sends them with at most
/// <see cref="WebhookDeliveryOptions.ConcurrencyPerEndpoint"/> in flight, stores every attempt, and schedules retries
/// with jittered backoff until the environment's schedule is spent. A slow or dead receiver holds only its own sender and
/// slots: ingest never waits for deliveries, and other endpoints go on.
/// </summary>
internal sealed partial class WebhookDispatcher(
    Database db,
    WebhookDeliveryStore deliveries,
    WebhookEndpointStore endpoints,
    WebhookPayloads payloads,
    WebhookSender sender,
    WebhookSignal signal,
    IOptions<WebhookDeliveryOptions> options,
    IOptions<PlaneOptions> plane,
    TimeProvider time,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, Task> _senders = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _inFlight = new(options.Value.MaxConcurrency, options.Value.MaxConcurrency);
    private DateTimeOffset _nextPrune = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (db.Provider == DbProvider.Sqlite)
        {
            // One process owns a SQLite file: claims left by a process that died are nobody's now.
            await RunSafelyAsync(() => deliveries.ReleaseAllClaimsAsync(stoppingToken), stoppingToken);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            await RunSafelyAsync(() => RoundAsync(stoppingToken), stoppingToken);
            try
            {
                await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await Task.WhenAll(_senders.Values).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>One round: fan out what the outbox holds, then start senders for endpoints with due attempts.</summary>
    public async Task RoundAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        while (await deliveries.FanOutAsync(now, ct) > 0)
        {
            // More rows may be waiting.
        }

        if (time.GetUtcNow() >= _nextPrune)
        {
            // Once an hour, in small steps: the log keeps ended deliveries for the retention period.
            _nextPrune = time.GetUtcNow().AddHours(1);
            var before = (time.GetUtcNow() - options.Value.Retention).ToUnixTimeMilliseconds();
            while (await deliveries.PruneAsync(before, 1000, ct) == 1000)
            {
            }
        }

        foreach (var endpointId in await deliveries.DueEndpointsAsync(now, ct))
        {
            if (_senders.ContainsKey(endpointId))
            {
                continue;
            }

            var run = Task.Run(() => SendAllDueAsync(endpointId, ct), CancellationToken.None);
            _senders[endpointId] = run;
            _ = run.ContinueWith(_ => _senders.TryRemove(endpointId, out var _), TaskScheduler.Default);
        }
    }

    private async Task SendAllDueAsync(string endpointId, CancellationToken ct)
    {
        var o = options.Value;
        var batch = o.ConcurrencyPerEndpoint * 4;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var now = time.GetUtcNow().ToUnixTimeMilliseconds();
                var rounds = (batch + o.ConcurrencyPerEndpoint - 1) / o.ConcurrencyPerEndpoint;
                // Long enough for every attempt of the batch and the write of their results; a sender that died lets go after it.
                var lease = now + (long)(o.AttemptTimeout.TotalMilliseconds * rounds) + 5_000;
                var claims = await deliveries.ClaimAsync(endpointId, batch, now, lease, ct);
                if (claims.Count == 0)
                {
                    return;
                }

                await SendBatchAsync(endpointId, claims, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: the claims lapse and are taken again.
        }
        catch (Exception ex)
        {
            LogSenderFailed(ex, endpointId);
        }
    }

    private async Task SendBatchAsync(string endpointId, List<WebhookDeliveryStore.Claimed> claims, CancellationToken ct)
    {
        var o = options.Value;
        var endpoint = await endpoints.FindActiveAsync(claims[0].TenantId, endpointId, ct);
        if (endpoint is null)
        {
            await deliveries.CloseAsync(claims, time.GetUtcNow().ToUnixTimeMilliseconds(), "The endpoint was deleted or disabled before this attempt.", ct);
            return;
        }

        var bodies = await payloads.BuildAsync(claims, ct);
        var missing = claims.Where(x => !bodies.ContainsKey(x.Id)).ToList();
        if (missing.Count > 0)
        {
            await deliveries.CloseAsync(missing, time.GetUtcNow().ToUnixTimeMilliseconds(), "The event's subject no longer exists.", ct);
        }

        var outcomes = new ConcurrentBag<WebhookDeliveryStore.Outcome>();
        var retries = o.RetriesFor(plane.Value.EnvironmentName);
        await Parallel.ForEachAsync(claims.Where(x => bodies.ContainsKey(x.Id)),
            new ParallelOptions { MaxDegreeOfParallelism = o.ConcurrencyPerEndpoint, CancellationToken = ct },
            async (claim, token) =>
            {
                var (eventId, body) = bodies[claim.Id];
                WebhookAttempt attempt;
                await _inFlight.WaitAsync(token);
                try
                {
                    attempt = await sender.SendAsync(endpoint.Url, endpoint.Secrets, claim.EventType, eventId, body, token);
                }
                finally
                {
                    _inFlight.Release();
                }

                outcomes.Add(Outcome(claim, attempt, retries, o.Jitter));
                Attempts.Add(1, new KeyValuePair<string, object?>("environment", plane.Value.EnvironmentName),
                    new KeyValuePair<string, object?>("outcome", attempt.Delivered ? "delivered" : "failed"));
            });

        if (outcomes.IsEmpty)
        {
            return;
        }

        var now = time.GetUtcNow();
        var gone = outcomes.Any(x => x.Attempt.Gone);
        var disabled = await deliveries.RecordAsync(endpointId, [.. outcomes.OrderBy(x => x.Delivery.Id)], now.ToUnixTimeMilliseconds(),
            gone ? "it answered 410 Gone" : null, (now - o.DisableAfter).ToUnixTimeMilliseconds(),
            $"every attempt failed for {o.DisableAfter.TotalDays:0.#} days", CancellationToken.None);
        if (disabled)
        {
            LogDisabled(endpointId, gone ? "410 Gone" : "failing too long");
        }
    }

    /// <summary>What an attempt leaves: delivered; or a retry after the schedule's next wait (± jitter); or failed once the schedule is spent.</summary>
    internal static WebhookDeliveryStore.Outcome Outcome(WebhookDeliveryStore.Claimed claim, WebhookAttempt attempt, IReadOnlyList<TimeSpan> retries, double jitter)
    {
        if (attempt.Delivered)
        {
            return new(claim, attempt, Contracts.Webhooks.WebhookDeliveryStates.Delivered, null);
        }

        var made = claim.Attempts + 1;
        if (made > retries.Count)
        {
            return new(claim, attempt, Contracts.Webhooks.WebhookDeliveryStates.Failed, null);
        }

        var wait = retries[(int)made - 1].TotalMilliseconds * (1 + (jitter * ((Random.Shared.NextDouble() * 2) - 1)));
        return new(claim, attempt, Contracts.Webhooks.WebhookDeliveryStates.Retrying, attempt.AttemptedAt + attempt.LatencyMs + (long)wait);
    }

    private async Task RunSafelyAsync(Func<Task> work, CancellationToken ct)
    {
        try
        {
            await work();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogRoundFailed(ex);
        }
    }

    private static readonly Counter<long> Attempts = PacSpaceMetrics.Meter.CreateCounter<long>("pacspace.webhooks.attempts", "{attempt}",
        "Webhook delivery attempts, by outcome (delivered: a 2xx within the timeout).");

    [LoggerMessage(EventId = 560, Level = LogLevel.Error, Message = "Webhook dispatch round failed; it is retried on the next round")]
    private partial void LogRoundFailed(Exception ex);

    [LoggerMessage(EventId = 561, Level = LogLevel.Error, Message = "Webhook sender of endpoint {EndpointId} failed; its claims lapse and are taken again")]
    private partial void LogSenderFailed(Exception ex, string endpointId);

    [LoggerMessage(EventId = 562, Level = LogLevel.Warning, Message = "Webhook endpoint {EndpointId} disabled ({Reason})")]
    private partial void LogDisabled(string endpointId, string reason);
}
