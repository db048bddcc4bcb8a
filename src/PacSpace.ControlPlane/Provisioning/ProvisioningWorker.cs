using System.Net.Sockets;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Features.Environments;
using PacSpace.Hosting.Data;

namespace PacSpace.ControlPlane.Provisioning;

/// <summary>
/// Runs environment activations. Each <c>activating</c> row is a durable job: a worker claims it with a
/// compare-and-set lease, calls the plane's idempotent internal API, and records the outcome. A worker that
/// dies leaves a lease that expires; the next claim finishes the job. Works the same on SQLite and on
/// PostgreSQL with many replicas, because the claim is one conditional UPDATE.
/// </summary>
internal sealed partial class ProvisioningWorker(
    Database db,
    PlaneClient planes,
    ProvisioningSignal signal,
    IOptions<ProvisioningOptions> options,
    TimeProvider time,
    ILogger<ProvisioningWorker> logger) : BackgroundService
{
    private readonly string _workerId = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.WorkerEnabled)
        {
            return;
        }

        using var slots = new SemaphoreSlim(o.Concurrency);
        var running = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var claimed = await ClaimDueAsync(o.Concurrency, stoppingToken);
                foreach (var job in claimed)
                {
                    await slots.WaitAsync(stoppingToken);
                    running.Add(Task.Run(async () =>
                    {
                        try
                        {
                            await RunAsync(job, stoppingToken);
                        }
                        finally
                        {
                            slots.Release();
                        }
                    }, CancellationToken.None));
                }

                running.RemoveAll(t => t.IsCompleted);
                if (claimed.Count == o.Concurrency)
                {
                    continue; // more may be due
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogClaimFailed(ex);
            }

            await signal.WaitAsync(o.PollInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await Task.WhenAll(running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task<IReadOnlyList<Job>> ClaimDueAsync(int max, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await db.OpenAsync(cancellationToken);
        var candidates = (await connection.QueryAsync<Job>(new CommandDefinition(
            """
            SELECT id, tenant_id, environment, attempts FROM environments
            WHERE status = 'activating' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until < @now)
            ORDER BY next_attempt_at LIMIT @max
            """, new { now, max }, cancellationToken: cancellationToken))).ToList();

        var claimed = new List<Job>(candidates.Count);
        var leaseUntil = now + (long)options.Value.LeaseDuration.TotalMilliseconds;
        foreach (var job in candidates)
        {
            var won = await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE environments
                SET lease_owner = @owner, lease_until = @leaseUntil, attempts = attempts + 1, updated_at = @now
                WHERE id = @id AND status = 'activating' AND attempts = @attempts
                  AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until < @now)
                """, new { owner = _workerId, leaseUntil, now, id = job.id, attempts = job.attempts }, cancellationToken: cancellationToken));
            if (won == 1)
            {
                claimed.Add(job with { attempts = job.attempts + 1 });
            }
        }

        return claimed;
    }

    private async Task RunAsync(Job job, CancellationToken stoppingToken)
    {
        var env = PacSpaceEnvironments.FromStored(job.environment);
        var o = options.Value;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(o.RequestTimeout);
            var ledger = await planes.EnsureTenantAsync(env, job.tenant_id, timeout.Token);
            await FinishAsync(job, """
                UPDATE environments SET status = 'active', provisioned_at = @now, plane_origin = @origin,
                    plane_public_key = @publicKey, lease_owner = NULL, lease_until = NULL, next_attempt_at = NULL, updated_at = @now
                WHERE id = @id AND lease_owner = @owner
                """, new { origin = ledger.Origin, publicKey = ledger.PublicKey });
            LogActivated(job.tenant_id, job.environment, job.attempts);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: leave the lease to expire so another worker picks the job up.
        }
        catch (Exception ex)
        {
            var reason = Describe(env, ex);
            if (job.attempts >= o.MaxAttempts)
            {
                await FinishAsync(job, """
                    UPDATE environments SET status = 'failed', last_error = @reason, lease_owner = NULL, lease_until = NULL,
                        next_attempt_at = NULL, updated_at = @now
                    WHERE id = @id AND lease_owner = @owner
                    """, new { reason = $"{reason} (gave up after {job.attempts} attempts)" });
                LogFailed(ex, job.tenant_id, job.environment, job.attempts, reason);
            }
            else
            {
                var backoff = RetryBackoff.Jittered(job.attempts, o.InitialBackoff, o.MaxBackoff);
                await FinishAsync(job, """
                    UPDATE environments SET last_error = @reason, lease_owner = NULL, lease_until = NULL, next_attempt_at = @next, updated_at = @now
                    WHERE id = @id AND lease_owner = @owner
                    """, new { reason, next = time.GetUtcNow().Add(backoff).ToUnixTimeMilliseconds() });
                LogRetrying(ex, job.tenant_id, job.environment, job.attempts, backoff.TotalMilliseconds, reason);
            }
        }
    }

    private async Task FinishAsync(Job job, string sql, object extra)
    {
        var parameters = new DynamicParameters(extra);
        parameters.Add("id", job.id);
        parameters.Add("owner", _workerId);
        parameters.Add("now", time.GetUtcNow().ToUnixTimeMilliseconds());
        // Recording the outcome must not be cut short by shutdown, or a finished activation would run twice.
        await using var connection = await db.OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync(new CommandDefinition(sql, parameters));
    }

    private string Describe(PacSpaceEnvironment env, Exception ex)
    {
        var plane = $"the {env.Name()} plane at {planes.InternalUrl(env)}";
        return ex switch
        {
            HttpRequestException { InnerException: SocketException se } => $"Could not reach {plane}: {se.SocketErrorCode}",
            HttpRequestException { StatusCode: not null } h => $"Activation refused: {h.Message}",
            HttpRequestException h => $"Could not reach {plane}: {h.Message}",
            OperationCanceledException or TimeoutException => $"{plane} did not answer within {options.Value.RequestTimeout.TotalSeconds:0.#} s",
            _ => $"Unexpected answer from {plane}: {ex.GetType().Name}",
        };
    }

    private sealed record Job(string id, string tenant_id, string environment, long attempts);

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Activated {Environment} for {TenantId} (attempt {Attempt})")]
    private partial void LogActivated(string tenantId, string environment, long attempt);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "Activation of {Environment} for {TenantId} failed (attempt {Attempt}), retrying in {DelayMs:0} ms: {Reason}")]
    private partial void LogRetrying(Exception ex, string tenantId, string environment, long attempt, double delayMs, string reason);

    [LoggerMessage(EventId = 302, Level = LogLevel.Error, Message = "Activation of {Environment} for {TenantId} failed for good after {Attempt} attempts: {Reason}")]
    private partial void LogFailed(Exception ex, string tenantId, string environment, long attempt, string reason);

    [LoggerMessage(EventId = 303, Level = LogLevel.Error, Message = "Could not claim provisioning jobs")]
    private partial void LogClaimFailed(Exception ex);
}
