using System.Data.Common;
using Dapper;
using PacSpace.Contracts.Webhooks;
using PacSpace.Hosting.Data;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Webhooks;

/// <summary>
/// Owner of <c>webhook_outbox</c>, <c>webhook_deliveries</c>, <c>webhook_attempts</c> and the delivery columns of
/// <c>webhook_endpoints</c>: the fan-out of events into deliveries, the claims of senders, what attempts leave behind, and
/// the reads of the delivery log. Every change here is one short write transaction.
/// </summary>
internal sealed class WebhookDeliveryStore(Database db, EntryIds ids)
{
    /// <summary>Most outbox rows fanned out in one transaction.</summary>
    private const int FanOutRows = 64;

    private static readonly string[] RecordColumns = ["State", "Attempts", "NextAttemptAt", "AttemptedAt", "StatusCode", "LatencyMs", "Error", "delivered", "Id"];

    private static readonly string[] AttemptColumns = ["Id", "attempt", "AttemptedAt", "StatusCode", "LatencyMs", "Response", "Error"];

    /// <summary>A delivery claimed for sending, with what its body is built from.</summary>
    public sealed class Claimed
    {
        public long Id { get; set; }

        public string TenantId { get; set; } = "";

        public string EndpointId { get; set; } = "";

        public string EventType { get; set; } = "";

        public string? EventId { get; set; }

        public long? LedgerNo { get; set; }

        public long? LogIndex { get; set; }

        public long? HeadSize { get; set; }

        public string? SubjectId { get; set; }

        public long EventAt { get; set; }

        public long Attempts { get; set; }
    }

    /// <summary>What one attempt of a claimed delivery left: its new state and, while retries remain, when the next is due.</summary>
    public sealed record Outcome(Claimed Delivery, WebhookAttempt Attempt, string State, long? NextAttemptAt);

    /// <summary>
    /// Turns outbox rows into deliveries, one per endpoint that is enabled and subscribed now, and deletes the rows, in one
    /// transaction (on PostgreSQL, rows another replica is fanning out are skipped). Returns the deliveries made.
    /// </summary>
    public async Task<int> FanOutAsync(long now, CancellationToken ct)
    {
        // Most rounds find nothing: a read says so without taking SQLite's one writer place from the group commit.
        await using (var read = await db.OpenAsync(ct))
        {
            if (await read.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT id FROM webhook_outbox LIMIT 1", cancellationToken: ct)) is null)
            {
                return 0;
            }
        }

        await using var write = await db.BeginWriteAsync(ct);
        var (c, tx) = (write.Connection, write.Transaction);
        var skipLocked = db.Provider == DbProvider.Postgres ? " FOR UPDATE SKIP LOCKED" : "";
        var rows = (await c.QueryAsync<OutboxRow>(new CommandDefinition(
            $"SELECT id, tenant_id, event_type, ledger_no, first_index, end_index, subject_id, event_id, created_at FROM webhook_outbox ORDER BY id LIMIT {FanOutRows}{skipLocked}",
            transaction: tx, cancellationToken: ct))).ToList();
        if (rows.Count == 0)
        {
            return 0;
        }

        var made = 0;
        foreach (var row in rows)
        {
            if (row.LedgerNo is { } ledgerNo)
            {
                // A signed head's range: one delivery per delta to each endpoint subscribed to delta.verified, one per record entry
                // to each subscribed to record.committed, straight from each table's primary key.
                made += await FanOutRangeAsync(c, tx, row, ledgerNo, WebhookEvents.DeltaVerified, "deltas", now, ct);
                made += await FanOutRangeAsync(c, tx, row, ledgerNo, WebhookEvents.RecordCommitted, "record_entries", now, ct);
                continue;
            }

            foreach (var endpoint in await SubscribedAsync(c, tx, row.TenantId, row.EventType, ct))
            {
                made += await c.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO webhook_deliveries (tenant_id, endpoint_id, event_type, event_id, subject_id, event_at, state, attempts, next_attempt_at, created_at)
                    VALUES (@TenantId, @endpoint, @EventType, @EventId, @SubjectId, @CreatedAt, 'pending', 0, @now, @now)
                    """, new { row.TenantId, endpoint, row.EventType, row.EventId, row.SubjectId, row.CreatedAt, now }, tx, cancellationToken: ct));
            }
        }

        await c.ExecuteAsync(new CommandDefinition($"DELETE FROM webhook_outbox WHERE id {In("ids")}", new { ids = rows.Select(r => r.Id).ToArray() }, tx, cancellationToken: ct));
        await write.CommitAsync(ct);
        return made;
    }

    /// <summary>The enabled endpoints of a tenant subscribed to an event type now.</summary>
    private static async Task<List<string>> SubscribedAsync(DbConnection c, DbTransaction tx, string tenantId, string eventType, CancellationToken ct) =>
        (await c.QueryAsync<string>(new CommandDefinition(
            "SELECT id FROM webhook_endpoints WHERE tenant_id = @tenantId AND deleted_at IS NULL AND enabled = 1 AND (',' || events || ',') LIKE @pattern ORDER BY id",
            new { tenantId, pattern = WebhookOutbox.Pattern(eventType) }, tx, cancellationToken: ct))).ToList();

    /// <summary>The deliveries of one event type for a signed range: one per row of <paramref name="table"/> in the range and subscribed endpoint.</summary>
    private static async Task<int> FanOutRangeAsync(DbConnection c, DbTransaction tx, OutboxRow row, long ledgerNo, string eventType, string table, long now,
        CancellationToken ct)
    {
        var made = 0;
        foreach (var endpoint in await SubscribedAsync(c, tx, row.TenantId, eventType, ct))
        {
            made += await c.ExecuteAsync(new CommandDefinition(
                $"""
                 INSERT INTO webhook_deliveries (tenant_id, endpoint_id, event_type, ledger_no, log_index, head_size, event_at, state, attempts, next_attempt_at, created_at)
                 SELECT @TenantId, @endpoint, @eventType, ledger_no, log_index, @EndIndex, @CreatedAt, 'pending', 0, @now, @now
                 FROM {table} WHERE ledger_no = @ledgerNo AND log_index >= @FirstIndex AND log_index < @EndIndex
                 ORDER BY log_index
                 """, new { row.TenantId, endpoint, eventType, row.EndIndex, row.CreatedAt, now, ledgerNo, row.FirstIndex }, tx, cancellationToken: ct));
        }

        return made;
    }

    /// <summary>Endpoints with an attempt due now that no sender holds (deleted and disabled ones too: their deliveries are closed by the sender).</summary>
    public async Task<List<string>> DueEndpointsAsync(long now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<string>(new CommandDefinition(
            """
            SELECT e.id FROM webhook_endpoints e
            WHERE EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.next_attempt_at <= @now AND (d.lease_until IS NULL OR d.lease_until < @now))
            """, new { now }, cancellationToken: ct))).ToList();
    }

    /// <summary>Claims up to <paramref name="max"/> of an endpoint's due deliveries, oldest first, until <paramref name="leaseUntil"/>.</summary>
    public async Task<List<Claimed>> ClaimAsync(string endpointId, int max, long now, long leaseUntil, CancellationToken ct)
    {
        await using var write = await db.BeginWriteAsync(ct);
        var skipLocked = db.Provider == DbProvider.Postgres ? " FOR UPDATE SKIP LOCKED" : "";
        var claimed = (await write.Connection.QueryAsync<Claimed>(new CommandDefinition(
            $"""
             UPDATE webhook_deliveries SET lease_until = @leaseUntil
             WHERE id IN (SELECT id FROM webhook_deliveries
                          WHERE endpoint_id = @endpointId AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until < @now)
                          ORDER BY next_attempt_at, id LIMIT @max{skipLocked})
             RETURNING id, tenant_id, endpoint_id, event_type, event_id, ledger_no, log_index, head_size, subject_id, event_at, attempts
             """, new { endpointId, max, now, leaseUntil }, write.Transaction, cancellationToken: ct))).OrderBy(d => d.Id).ToList();
        await write.CommitAsync(ct);
        return claimed;
    }

    /// <summary>
    /// Deletes deliveries that ended (delivered or failed) before <paramref name="before"/>, with their attempts, at most
    /// <paramref name="max"/> at a time; returns how many.
    /// </summary>
    public async Task<int> PruneAsync(long before, int max, CancellationToken ct)
    {
        await using var write = await db.BeginWriteAsync(ct);
        var (c, tx) = (write.Connection, write.Transaction);
        var ended = (await c.QueryAsync<long>(new CommandDefinition(
            "SELECT id FROM webhook_deliveries WHERE created_at < @before AND next_attempt_at IS NULL AND lease_until IS NULL ORDER BY id LIMIT @max",
            new { before, max }, tx, cancellationToken: ct))).ToArray();
        if (ended.Length > 0)
        {
            await c.ExecuteAsync(new CommandDefinition($"DELETE FROM webhook_attempts WHERE delivery_id {In("ended")}", new { ended }, tx, cancellationToken: ct));
            await c.ExecuteAsync(new CommandDefinition($"DELETE FROM webhook_deliveries WHERE id {In("ended")}", new { ended }, tx, cancellationToken: ct));
        }

        await write.CommitAsync(ct);
        return ended.Length;
    }

    /// <summary>Lets every claim go (a single-process store at start-up: no other sender can hold one).</summary>
    public async Task ReleaseAllClaimsAsync(CancellationToken ct)
    {
        await using var write = await db.BeginWriteAsync(ct);
        await write.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE webhook_deliveries SET lease_until = NULL WHERE lease_until IS NOT NULL", transaction: write.Transaction, cancellationToken: ct));
        await write.CommitAsync(ct);
    }

    /// <summary>
    /// Stores the attempts of one endpoint's batch: each delivery's new state, each attempt, and the endpoint's counts. When
    /// <paramref name="disableReason"/> is given, or every attempt has failed since before <paramref name="failingCutoff"/>,
    /// the endpoint is disabled here and its open deliveries are closed. Returns whether it was disabled by this call.
    /// </summary>
    public async Task<bool> RecordAsync(string endpointId, IReadOnlyList<Outcome> outcomes, long now, string? disableReason, long failingCutoff, string agedReason,
        CancellationToken ct)
    {
        await using var write = await db.BeginWriteAsync(ct);
        var (c, tx) = (write.Connection, write.Transaction);
        // One statement per delivery and per attempt, sent in one round trip each on PostgreSQL (a batch of 32 deliveries
        // was 64 round trips with a statement per row).
        await Database.ExecuteEachAsync(c, tx,
            """
            UPDATE webhook_deliveries SET state = @State, attempts = @Attempts, next_attempt_at = @NextAttemptAt, lease_until = NULL,
                last_attempt_at = @AttemptedAt, last_status_code = @StatusCode, last_latency_ms = @LatencyMs, last_error = @Error,
                delivered_at = CASE WHEN @delivered = 1 THEN @AttemptedAt ELSE delivered_at END
            WHERE id = @Id
            """,
            RecordColumns,
            outcomes.Select(o => new object?[]
            {
                o.State, o.Delivery.Attempts + 1, o.NextAttemptAt, o.Attempt.AttemptedAt, o.Attempt.StatusCode, o.Attempt.LatencyMs, o.Attempt.Error,
                o.Attempt.Delivered ? 1 : 0, o.Delivery.Id,
            }).ToList(), ct);
        await Database.ExecuteEachAsync(c, tx,
            "INSERT INTO webhook_attempts (delivery_id, attempt, attempted_at, status_code, latency_ms, response, error) VALUES (@Id, @attempt, @AttemptedAt, @StatusCode, @LatencyMs, @Response, @Error)",
            AttemptColumns,
            outcomes.Select(o => new object?[]
            {
                o.Delivery.Id, o.Delivery.Attempts + 1, o.Attempt.AttemptedAt, o.Attempt.StatusCode, o.Attempt.LatencyMs, o.Attempt.Response, o.Attempt.Error,
            }).ToList(), ct);
        var successes = outcomes.Count(o => o.Attempt.Delivered);
        var failures = outcomes.Count - successes;
        var lastAt = outcomes.Max(o => o.Attempt.AttemptedAt);
        var firstFailureAt = outcomes.Where(o => !o.Attempt.Delivered).Select(o => (long?)o.Attempt.AttemptedAt).Min();
        await c.ExecuteAsync(new CommandDefinition(
            """
            UPDATE webhook_endpoints SET success_count = success_count + @successes, failure_count = failure_count + @failures,
                last_triggered_at = CASE WHEN last_triggered_at IS NULL OR last_triggered_at < @lastAt THEN @lastAt ELSE last_triggered_at END,
                failing_since = CASE WHEN @successes > 0 THEN NULL ELSE COALESCE(failing_since, @firstFailureAt) END,
                stats_changed_at = @now
            WHERE id = @endpointId
            """, new { successes, failures, lastAt, firstFailureAt, now, endpointId }, tx, cancellationToken: ct));
        var disabled = await c.ExecuteAsync(new CommandDefinition(
            """
            UPDATE webhook_endpoints SET enabled = 0, disabled_at = @now, disabled_reason = @reason, stats_changed_at = @now
            WHERE id = @endpointId AND enabled = 1 AND deleted_at IS NULL
              AND (@forced = 1 OR (failing_since IS NOT NULL AND failing_since <= @failingCutoff))
            """, new { now, reason = disableReason ?? agedReason, forced = disableReason is null ? 0 : 1, failingCutoff, endpointId }, tx, cancellationToken: ct)) == 1;
        if (disabled)
        {
            await CloseOpenAsync(c, tx, endpointId, now, "The endpoint was disabled: " + (disableReason ?? agedReason), ct);
        }

        await write.CommitAsync(ct);
        return disabled;
    }

    /// <summary>Closes the deliveries of claims whose endpoint is gone or disabled (failed, no attempt made).</summary>
    public async Task CloseAsync(IReadOnlyList<Claimed> claims, long now, string why, CancellationToken ct)
    {
        await using var write = await db.BeginWriteAsync(ct);
        await write.Connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE webhook_deliveries SET state = 'failed', next_attempt_at = NULL, lease_until = NULL, last_error = @why WHERE id {In("ids")}",
            new { why, ids = claims.Select(x => x.Id).ToArray() }, write.Transaction, cancellationToken: ct));
        await write.CommitAsync(ct);
    }

    /// <summary>"is one of the array parameter <paramref name="name"/>" in this database's SQL.</summary>
    internal string In(string name) => db.Provider == DbProvider.Postgres ? $"= ANY(@{name})" : $"IN @{name}";

    private static Task CloseOpenAsync(DbConnection c, DbTransaction tx, string endpointId, long now, string why, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "UPDATE webhook_deliveries SET state = 'failed', next_attempt_at = NULL, lease_until = NULL, last_error = @why WHERE endpoint_id = @endpointId AND next_attempt_at IS NOT NULL",
            new { why, endpointId }, tx, cancellationToken: ct));

    /// <summary>One page of a tenant's delivery log, newest first, and how many deliveries match.</summary>
    public async Task<(long Total, List<LogRow> Rows)> PageAsync(string tenantId, string? state, string? endpointId, int limit, long offset, CancellationToken ct)
    {
        var filter = "d.tenant_id = @tenantId" + (state is null ? "" : " AND d.state = @state") + (endpointId is null ? "" : " AND d.endpoint_id = @endpointId");
        var args = new { tenantId, state, endpointId, limit, offset };
        await using var c = await db.OpenAsync(ct);
        var total = await c.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM webhook_deliveries d WHERE {filter}", args, cancellationToken: ct));
        var rows = (await c.QueryAsync<LogRow>(new CommandDefinition(
            $"{LogSelect} WHERE {filter} ORDER BY d.id DESC LIMIT @limit OFFSET @offset", args, cancellationToken: ct))).ToList();
        return (total, rows);
    }

    /// <summary>A tenant's deliveries of one event (every endpoint it went to), oldest first; empty when the tenant has no such event.</summary>
    public async Task<List<LogRow>> OfEventAsync(string tenantId, string eventId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await OfEventAsync(c, null, tenantId, eventId, ct);
    }

    /// <summary>The attempts of deliveries, in order, by delivery id.</summary>
    public async Task<ILookup<long, AttemptRow>> AttemptsAsync(IReadOnlyList<long> deliveryIds, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<AttemptRow>(new CommandDefinition(
            $"SELECT delivery_id, attempt, attempted_at, status_code, latency_ms, response, error FROM webhook_attempts WHERE delivery_id {In("deliveryIds")} ORDER BY delivery_id, attempt",
            new { deliveryIds = deliveryIds.ToArray() }, cancellationToken: ct))).ToLookup(a => a.DeliveryId);
    }

    /// <summary>
    /// Queues a new attempt now of each delivery of the event whose endpoint is still enabled (delivered ones included: the
    /// caller asked for it again), in one transaction; returns the event's deliveries after it and how many were queued.
    /// </summary>
    public async Task<(int Queued, List<LogRow> Rows)> RetryAsync(string tenantId, string eventId, long now, CancellationToken ct)
    {
        await using var write = await db.BeginWriteAsync(ct);
        var (c, tx) = (write.Connection, write.Transaction);
        var rows = await OfEventAsync(c, tx, tenantId, eventId, ct);
        var open = rows.Where(r => r.Enabled == 1 && r.Deleted == 0).Select(r => r.Id).ToList();
        var queued = open.Count == 0 ? 0 : await c.ExecuteAsync(new CommandDefinition(
            $"UPDATE webhook_deliveries SET state = CASE WHEN attempts = 0 THEN 'pending' ELSE 'retrying' END, next_attempt_at = @now WHERE id {In("open")} AND (lease_until IS NULL OR lease_until < @now)",
            new { now, open = open.ToArray() }, tx, cancellationToken: ct));
        var after = queued == 0 ? rows : await OfEventAsync(c, tx, tenantId, eventId, ct);
        await write.CommitAsync(ct);
        return (queued, after);
    }

    /// <summary>The stats feed: endpoints whose counts or state changed after <c>(after, afterId)</c>, in that order.</summary>
    public async Task<List<WebhookEndpointStats>> StatsAfterAsync(long after, string afterId, int take, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<StatsRow>(new CommandDefinition(
            """
            SELECT id, tenant_id, success_count, failure_count, last_triggered_at, disabled_at, disabled_reason, stats_changed_at FROM webhook_endpoints
            WHERE stats_changed_at IS NOT NULL AND (stats_changed_at > @after OR (stats_changed_at = @after AND id > @afterId))
            ORDER BY stats_changed_at, id LIMIT @take
            """, new { after, afterId, take }, cancellationToken: ct)))
            .Select(r => new WebhookEndpointStats(r.Id, r.TenantId, r.SuccessCount, r.FailureCount, r.LastTriggeredAt, r.DisabledAt, r.DisabledReason, r.StatsChangedAt))
            .ToList();
    }

    private async Task<List<LogRow>> OfEventAsync(DbConnection c, DbTransaction? tx, string tenantId, string eventId, CancellationToken ct)
    {
        // Events about an entry of the log carry its place in their id, under the kind of their type; others are stored by id.
        (long LedgerNo, long LogIndex)? place = null;
        var type = "";
        if (ids.PlaceOfVerifiedEvent(eventId) is { } verified)
        {
            (place, type) = (verified, WebhookEvents.DeltaVerified);
        }
        else if (ids.PlaceOfCommittedEvent(eventId) is { } committed)
        {
            (place, type) = (committed, WebhookEvents.RecordCommitted);
        }

        var sql = place is null
            ? $"{LogSelect} WHERE d.event_id = @eventId AND d.tenant_id = @tenantId ORDER BY d.id"
            : $"{LogSelect} WHERE d.ledger_no = @ledgerNo AND d.log_index = @logIndex AND d.tenant_id = @tenantId AND d.event_type = @type ORDER BY d.id";
        return (await c.QueryAsync<LogRow>(new CommandDefinition(sql,
            new { eventId, tenantId, ledgerNo = place?.LedgerNo, logIndex = place?.LogIndex, type }, tx, cancellationToken: ct))).ToList();
    }

    private const string LogSelect =
        """
        SELECT d.id, d.endpoint_id, e.url, CAST(CASE WHEN e.enabled = 1 THEN 1 ELSE 0 END AS BIGINT) AS enabled, CAST(CASE WHEN e.deleted_at IS NULL THEN 0 ELSE 1 END AS BIGINT) AS deleted,
               d.event_type, d.event_id, d.ledger_no, d.log_index, d.event_at, d.state, d.attempts, d.next_attempt_at, d.last_attempt_at,
               d.last_status_code, d.last_latency_ms, d.last_error, d.delivered_at, d.created_at
        FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
        """;

    /// <summary>A delivery as the log shows it.</summary>
    public sealed class LogRow
    {
        public long Id { get; set; }

        public string EndpointId { get; set; } = "";

        public string Url { get; set; } = "";

        public long Enabled { get; set; }

        public long Deleted { get; set; }

        public string EventType { get; set; } = "";

        public string? EventId { get; set; }

        public long? LedgerNo { get; set; }

        public long? LogIndex { get; set; }

        public long EventAt { get; set; }

        public string State { get; set; } = "";

        public long Attempts { get; set; }

        public long? NextAttemptAt { get; set; }

        public long? LastAttemptAt { get; set; }

        public long? LastStatusCode { get; set; }

        public long? LastLatencyMs { get; set; }

        public string? LastError { get; set; }

        public long? DeliveredAt { get; set; }

        public long CreatedAt { get; set; }
    }

    public sealed class AttemptRow
    {
        public long DeliveryId { get; set; }

        public long Attempt { get; set; }

        public long AttemptedAt { get; set; }

        public long? StatusCode { get; set; }

        public long LatencyMs { get; set; }

        public string? Response { get; set; }

        public string? Error { get; set; }
    }

    private sealed class OutboxRow
    {
        public long Id { get; set; }

        public string TenantId { get; set; } = "";

        public string EventType { get; set; } = "";

        public long? LedgerNo { get; set; }

        public long? FirstIndex { get; set; }

        public long? EndIndex { get; set; }

        public string? SubjectId { get; set; }

        public string? EventId { get; set; }

        public long CreatedAt { get; set; }
    }

    private sealed record StatsRow(string Id, string TenantId, long SuccessCount, long FailureCount, long? LastTriggeredAt, long? DisabledAt, string? DisabledReason,
        long StatsChangedAt);
}
