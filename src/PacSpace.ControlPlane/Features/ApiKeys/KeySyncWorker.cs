using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Features.Environments;
using PacSpace.ControlPlane.Provisioning;
using PacSpace.Hosting.Data;
using PacSpace.Contracts.Keys;

namespace PacSpace.ControlPlane.Features.ApiKeys;

/// <summary>
/// The durable half of key sync. Delivers every key whose <c>version</c> is ahead of <c>synced_version</c>
/// (claimed with a compare-and-set lease, so any number of replicas can run it), retrying with capped
/// backoff for as long as it takes; and reads the planes' key-usage feeds into <c>lastUsedAt</c>.
/// </summary>
internal sealed partial class KeySyncWorker(
    Database db,
    PlaneClient planes,
    KeySyncSignal signal,
    IOptions<KeySyncOptions> options,
    TimeProvider time,
    ILogger<KeySyncWorker> logger) : BackgroundService
{
    private const int Batch = 100;
    private const int UsagePage = 1000;

    // Plane clocks of different replicas may disagree a little: every read starts this far before the cursor.
    private const long UsageOverlapMs = 5_000;

    private readonly string _workerId = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.WorkerEnabled)
        {
            return;
        }

        var nextUsagePull = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            var more = false;
            try
            {
                more = await DeliverDueAsync(stoppingToken) == Batch;
                if (time.GetUtcNow() >= nextUsagePull)
                {
                    nextUsagePull = time.GetUtcNow() + o.UsagePollInterval;
                    await PullUsageAsync(PacSpaceEnvironment.Sandbox, stoppingToken);
                    await PullUsageAsync(PacSpaceEnvironment.Production, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogLoopFailed(ex);
            }

            if (!more)
            {
                var untilUsage = nextUsagePull - time.GetUtcNow();
                var wait = untilUsage < o.PollInterval ? (untilUsage > TimeSpan.Zero ? untilUsage : TimeSpan.FromMilliseconds(1)) : o.PollInterval;
                await signal.WaitAsync(wait, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <returns>How many keys were claimed.</returns>
    private async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await db.OpenAsync(cancellationToken);
        var due = (await connection.QueryAsync<(string Id, long Attempts)>(new CommandDefinition(
            """
            SELECT id, sync_attempts FROM api_keys
            WHERE synced_version < version AND (sync_next_attempt_at IS NULL OR sync_next_attempt_at <= @now)
              AND (sync_lease_until IS NULL OR sync_lease_until < @now)
            ORDER BY sync_next_attempt_at LIMIT @Batch
            """, new { now, Batch }, cancellationToken: cancellationToken))).ToList();

        var unreachable = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (id, attempts) in due)
        {
            var won = await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE api_keys SET sync_lease_owner = @owner, sync_lease_until = @until
                WHERE id = @id AND synced_version < version AND (sync_lease_until IS NULL OR sync_lease_until < @now)
                """, new { owner = _workerId, until = now + (long)o.LeaseDuration.TotalMilliseconds, id, now }, cancellationToken: cancellationToken)) == 1;
            if (!won)
            {
                continue;
            }

            var state = await ApiKeyRows.StateAsync(connection, id, cancellationToken);
            if (state is null)
            {
                continue;
            }

            string? failure = unreachable.GetValueOrDefault(state.Environment);
            if (failure is null)
            {
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    timeout.CancelAfter(o.RequestTimeout);
                    await planes.PutKeyAsync(state, timeout.Token);
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    // One failed call per plane per round: the rest of that plane's keys wait for the next round.
                    failure = ex.Message;
                    unreachable[state.Environment] = failure;
                }
            }

            if (failure is null)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    UPDATE api_keys SET synced_version = CASE WHEN synced_version < @version THEN @version ELSE synced_version END,
                        sync_attempts = 0, sync_last_error = NULL, sync_lease_owner = NULL, sync_lease_until = NULL
                    WHERE id = @id
                    """, new { id, version = state.Version }, cancellationToken: CancellationToken.None));
                LogDelivered(id, state.Environment, state.State);
            }
            else
            {
                var backoff = RetryBackoff.Jittered(attempts + 1, o.InitialBackoff, o.MaxBackoff);
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    UPDATE api_keys SET sync_attempts = sync_attempts + 1, sync_next_attempt_at = @next, sync_last_error = @failure,
                        sync_lease_owner = NULL, sync_lease_until = NULL
                    WHERE id = @id AND sync_lease_owner = @owner
                    """, new { id, next = now + (long)backoff.TotalMilliseconds, failure, owner = _workerId }, cancellationToken: CancellationToken.None));
                LogRetrying(id, state.Environment, attempts + 1, backoff.TotalMilliseconds, failure);
            }
        }

        return due.Count;
    }

    private async Task PullUsageAsync(PacSpaceEnvironment env, CancellationToken cancellationToken)
    {
        var plane = env.Name();
        await using var connection = await db.OpenAsync(cancellationToken);
        var cursor = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT usage_after FROM plane_cursors WHERE plane = @plane", new { plane }, cancellationToken: cancellationToken)) ?? 0;
        var after = Math.Max(0, cursor - UsageOverlapMs);
        var afterId = "";
        var highest = cursor;
        while (true)
        {
            KeyUsagePage page;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(options.Value.RequestTimeout);
                page = await planes.GetUsageAsync(env, after, afterId, UsagePage, timeout.Token);
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                LogUsageUnavailable(plane, ex.Message);
                return;
            }

            if (page.Items.Count > 0)
            {
                await using var tx = await connection.BeginTransactionAsync(cancellationToken);
                foreach (var u in page.Items)
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        "UPDATE api_keys SET last_used_at = @at WHERE public_id = @id AND (last_used_at IS NULL OR last_used_at < @at)",
                        new { at = u.LastUsedAt, id = u.PublicId }, tx, cancellationToken: cancellationToken));
                }

                await tx.CommitAsync(cancellationToken);
                var last = page.Items[^1];
                (after, afterId) = (last.FlushedAt, last.PublicId);
                highest = Math.Max(highest, last.FlushedAt);
            }

            if (page.Items.Count < UsagePage)
            {
                break;
            }
        }

        if (highest != cursor)
        {
            var updated = await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE plane_cursors SET usage_after = @highest WHERE plane = @plane AND usage_after < @highest",
                new { plane, highest }, cancellationToken: cancellationToken));
            if (updated == 0)
            {
                try
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        "INSERT INTO plane_cursors (plane, usage_after) VALUES (@plane, @highest)", new { plane, highest }, cancellationToken: cancellationToken));
                }
                catch (Exception ex) when (Database.IsUniqueViolation(ex))
                {
                    // Another replica recorded a cursor first; either value is safe to resume from.
                }
            }
        }
    }

    [LoggerMessage(EventId = 410, Level = LogLevel.Debug, Message = "Delivered key {KeyId} ({Environment}, {State})")]
    private partial void LogDelivered(string keyId, string environment, string state);

    [LoggerMessage(EventId = 411, Level = LogLevel.Warning, Message = "Key {KeyId} ({Environment}) not delivered (attempt {Attempt}), retrying in {DelayMs:0} ms: {Reason}")]
    private partial void LogRetrying(string keyId, string environment, long attempt, double delayMs, string reason);

    [LoggerMessage(EventId = 412, Level = LogLevel.Debug, Message = "Key usage of the {Plane} plane not read this round: {Reason}")]
    private partial void LogUsageUnavailable(string plane, string reason);

    [LoggerMessage(EventId = 413, Level = LogLevel.Error, Message = "Key sync round failed")]
    private partial void LogLoopFailed(Exception ex);
}
