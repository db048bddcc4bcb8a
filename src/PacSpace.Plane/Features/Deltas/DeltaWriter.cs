using System.Diagnostics.Metrics;
using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PacSpace.Contracts.Plans;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;
using PacSpace.Ledger;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Deltas;

/// <summary>
/// The single writer of this replica's plane database (group commit): requests queue in a channel, and each round writes
/// everything waiting (up to <see cref="MaxBatch"/>) in one transaction, one fsync, before any of them is answered. The
/// round also sequences them: each delta gets its log index, customer sequence, previous index and running balance in
/// the same transaction, so a delta is written once, fully. The signed head and tiles follow (<see cref="Log.Sequencer"/>).
/// A tenant's log has one appender at a time: the write transaction on SQLite, the lock on its ledger row on
/// PostgreSQL, so several replicas can write at once.
/// </summary>
internal sealed partial class DeltaWriter(Database db, EntryIds ids, IOptions<PlaneOptions> options, TimeProvider time, ILogger<DeltaWriter> logger) : BackgroundService
{
    public const int MaxBatch = 512;

    // PostgreSQL: the size of the round in flight from which the next one waits a moment to gather (see ExecuteAsync).
    private const int GatherFrom = 8;

    /// <summary>Lifetime cap of the free plan, in deltas.</summary>
    public const long FreePlanLimit = PlanCatalog.FreeLifetimeDeltas;

    // Per log, what this writer knows between rounds: customer numbers and chain heads, valid while the log's next index
    // is still where this writer left it.
    private const int MaxCachedCustomers = 200_000;
    // Used by at most one commit per log at a time (the log's lock), by several for different logs on PostgreSQL.
    private readonly ConcurrentDictionary<long, LogCache> _logs = new();

    private readonly Channel<PendingDelta> _queue = Channel.CreateBounded<PendingDelta>(new BoundedChannelOptions(50_000) { SingleReader = true });
    private readonly ConcurrentDictionary<(string Tenant, string Key), byte> _inFlight = new();

    private static readonly Histogram<int> CommitSize = PacSpaceMetrics.Meter.CreateHistogram<int>("pacspace.ingest.commit_size", "{delta}",
        "Deltas written by one group commit (one transaction, one fsync).");

    // Every writer of the process (the `up` composition runs two planes), reported per environment.
    private static readonly ConcurrentDictionary<DeltaWriter, string> Writers = new();

    private static readonly ObservableGauge<int> QueueDepth = PacSpaceMetrics.Meter.CreateObservableGauge("pacspace.ingest.queue_depth",
        () => Writers.Select(w => new Measurement<int>(w.Key._queue.Reader.Count, new KeyValuePair<string, object?>("environment", w.Value))),
        "{delta}", "Deltas accepted by the API and waiting for the group commit.");

    /// <summary>Queues a delta and completes once it is durable (or refused). A retry of a key still in flight is told so at once.</summary>
    /// <param name="unlessRetry">
    /// Why the delta may not be written, decided before it was queued (its adjusts names no delta of its customer), or none:
    /// answered only when the delta turns out not to be a retry of a stored one, which is replayed (or refused as a reuse) first.
    /// </param>
    public Task<WriteOutcome> WriteAsync(string tenantId, string plan, NewDelta delta, string? idempotencyKey, Error? unlessRetry, CancellationToken ct)
    {
        if (idempotencyKey is null)
        {
            // Without a key there is nothing to release afterwards: the request waits on the delta's own task, no state machine.
            return Enqueue(tenantId, plan, delta, null, unlessRetry, ct);
        }

        if (!_inFlight.TryAdd((tenantId, idempotencyKey), 0))
        {
            return Task.FromResult(WriteOutcome.Failed(new Error(202, "IDEMPOTENCY_PENDING", "A request with this Idempotency-Key is still being written. Retry shortly.") { RetryAfterSeconds = 1 }));
        }

        return WriteKeyedAsync(tenantId, plan, delta, idempotencyKey, unlessRetry, ct);
    }

    private async Task<WriteOutcome> WriteKeyedAsync(string tenantId, string plan, NewDelta delta, string idempotencyKey, Error? unlessRetry, CancellationToken ct)
    {
        try
        {
            return await Enqueue(tenantId, plan, delta, idempotencyKey, unlessRetry, ct);
        }
        finally
        {
            _inFlight.TryRemove((tenantId, idempotencyKey), out _);
        }
    }

    /// <summary>
    /// Hashes the delta on the request's thread (not the single writer's), queues it and gives the task that completes once it
    /// is durable. Not cancelled with the request once queued: the write happens, and the answer must match it. A new row comes
    /// back without its ids: the caller derives them on its own thread when it needs them (<see cref="DeltaRow.Finish"/>), or
    /// writes them straight into its answer.
    /// </summary>
    private Task<WriteOutcome> Enqueue(string tenantId, string plan, NewDelta delta, string? idempotencyKey, Error? unlessRetry, CancellationToken ct)
    {
        var content = delta.Content(tenantId, options.Value.EnvironmentName);
        var contentHash = content.ContentHash();
        var metadata = delta.Metadata is { } m ? Encoding.UTF8.GetString(Jcs.Canonicalize(m)) : null;
        var pending = new PendingDelta(tenantId, plan, delta, idempotencyKey, contentHash, content.Version, metadata, delta.AdjustsJson, unlessRetry);
        var queued = _queue.Writer.WriteAsync(pending, ct);
        return queued.IsCompletedSuccessfully ? pending.Done.Task : QueuedThenDoneAsync(queued, pending);

        static async Task<WriteOutcome> QueuedThenDoneAsync(ValueTask queued, PendingDelta pending)
        {
            await queued;
            return await pending.Done.Task;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Writers[this] = options.Value.EnvironmentName;
        // On PostgreSQL the next batch is taken and written while the previous commit is still being made durable (it
        // waits for the previous one's lock on a log they share, and runs beside it for other logs). SQLite has one
        // writer at a time anyway.
        using var slots = new SemaphoreSlim(db.Provider == DbProvider.Postgres ? 2 : 1);
        var running = new List<Task>();
        var reader = _queue.Reader;
        (Task Round, int Size) ahead = (Task.CompletedTask, 0);
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                await slots.WaitAsync(stoppingToken);
                // Under load, with a round in flight, the next one would otherwise start with whatever arrived since (often
                // a delta or two) and pay a whole round for it (its statements, its commit). Unless it already holds as many
                // as the round ahead, it gathers for a millisecond at most, or until that round is done; no longer, so that
                // the two still overlap when commits are slow. Below GatherFrom deltas a round there is nothing to gather.
                if (ahead.Size >= GatherFrom && !ahead.Round.IsCompleted && reader.Count < ahead.Size)
                {
                    await Task.WhenAny(ahead.Round, Task.Delay(1, stoppingToken));
                }

                var batch = Drain(reader);
                running.RemoveAll(t => t.IsCompleted);
                var round = CommitThenReleaseAsync(batch, slots);
                running.Add(round);
                ahead = (round, batch.Count);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await Task.WhenAll(running);
        // Whatever is still queued at shutdown is written before the host stops.
        while (reader.TryRead(out var item))
        {
            var batch = Drain(reader);
            batch.Insert(0, item);
            await CommitAsync(batch);
        }

        Writers.TryRemove(this, out _);
    }

    private static List<PendingDelta> Drain(ChannelReader<PendingDelta> reader)
    {
        var batch = new List<PendingDelta>(Math.Min(reader.Count, MaxBatch));
        while (batch.Count < MaxBatch && reader.TryRead(out var item))
        {
            batch.Add(item);
        }

        return batch;
    }

    private async Task CommitThenReleaseAsync(List<PendingDelta> batch, SemaphoreSlim slots)
    {
        try
        {
            await CommitAsync(batch);
        }
        finally
        {
            slots.Release();
        }
    }

    private async Task CommitAsync(List<PendingDelta> batch)
    {
        // Null (and free) unless a collector is configured.
        using var span = PacSpaceMetrics.Tracing.StartActivity("ingest.commit");
        span?.SetTag("pacspace.environment", options.Value.EnvironmentName).SetTag("pacspace.batch_size", batch.Count);
        var outcomes = new WriteOutcome?[batch.Count];
        try
        {
            await using var write = await db.BeginWriteAsync(CancellationToken.None);
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            // Each tenant's deltas in the order they came, one log at a time; the logs in the order of their tenant ids, so that
            // two rounds in flight at once (on PostgreSQL, here or on another replica) take their logs' locks in the same
            // order and never wait for each other in a circle.
            foreach (var group in Enumerable.Range(0, batch.Count).GroupBy(i => batch[i].TenantId, StringComparer.Ordinal)
                         .OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                await AppendAsync(write, group.Key, group.ToList(), batch, outcomes, now);
            }

            await write.CommitAsync(CancellationToken.None);
            CommitSize.Record(batch.Count, new KeyValuePair<string, object?>("environment", options.Value.EnvironmentName));
        }
        catch (Exception ex)
        {
            // Nothing of the round is stored: what this writer remembered of it is forgotten too.
            _logs.Clear();
            LogCommitFailed(ex, batch.Count);
            foreach (var item in batch)
            {
                item.Done.TrySetException(ex);
            }

            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Done.TrySetResult(outcomes[i]!);
        }
    }

    /// <summary>Appends one tenant's deltas of the round to its log, in the round's transaction.</summary>
    private async Task AppendAsync(WriteTransaction write, string tenantId, List<int> items, List<PendingDelta> batch, WriteOutcome?[] outcomes, long now)
    {
        var (c, tx, provider) = (write.Connection, write.Transaction, db.Provider);
        var keys = items.Select(i => batch[i].IdempotencyKey).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var refs = items.Select(i => batch[i].Delta.ReferenceId).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        // PostgreSQL: the lock and the look-up of stored duplicates in one round trip; SQLite probes its indexes in process below.
        List<long>? duplicates = null;
        TenantLedgerStore.AppendPoint? locked;
        if (provider == DbProvider.Postgres)
        {
            var found = await DeltaStore.LockWithDuplicatesAsync(c, tx, tenantId, keys, refs);
            (locked, duplicates) = (found?.Point, found?.Found);
        }
        else
        {
            locked = await TenantLedgerStore.LockForAppendAsync(c, tx, provider, tenantId);
        }

        if (locked is not { } point)
        {
            foreach (var i in items)
            {
                outcomes[i] = WriteOutcome.Failed(new Error(503, ErrorCodes.ServiceUnavailable,
                    "This environment's log for your account is not set up yet. Retry shortly.") { RetryAfterSeconds = 5 });
            }

            return;
        }

        var ledgerNo = point.LedgerNo;
        // What this writer remembers of the log holds only while the log is where it left it: when another replica, or the
        // Records API's appends (which move the same append point), appended since, it starts afresh (a failed commit of its
        // own clears everything it remembers).
        if (!_logs.TryGetValue(ledgerNo, out var log) || log.NextIndex != point.NextIndex || log.Customers.Count > MaxCachedCustomers)
        {
            _logs[ledgerNo] = log = new LogCache();
        }

        using var sqlite = provider == DbProvider.Sqlite ? new SqliteAppender(c) : null;

        // Retries and reuses: the stored deltas with the round's keys and referenceIds (the row lock or the write
        // transaction keeps anyone else from adding one meanwhile). Later deltas of the round are checked against
        // earlier ones as they are appended.
        var byKey = new Dictionary<string, DeltaRow>(StringComparer.Ordinal);
        var byRef = new Dictionary<string, DeltaRow>(StringComparer.Ordinal);
        var stored = duplicates is null ? await StoredDuplicatesAsync(c, tx, sqlite!, ledgerNo, keys, refs)
            : duplicates.Count == 0 ? [] : await DeltaStore.AtIndexesAsync(c, tx, provider, ledgerNo, duplicates.Distinct().ToList());
        foreach (var row in stored)
        {
            row.Finish(ids, 0);
            if (row.IdempotencyKey is { } k)
            {
                byKey.TryAdd(k, row);
            }

            if (row.ReferenceId is { } r)
            {
                byRef.TryAdd(r, row);
            }
        }

        await LoadCustomersAsync(c, tx, sqlite, ledgerNo, log, items, batch);

        var first = point.NextIndex;
        var next = first;
        // Entries are appended in time order: never earlier than the log's last commit.
        var recordedAt = Math.Max(now, point.AppendedAt);
        var rows = new List<DeltaStore.NewEntry>(items.Count);
        var rowCustomers = new List<string>(items.Count);
        // PostgreSQL: customers new in this round, with the index and time of their first delta in it.
        var added = new Dictionary<string, (long FirstIndex, long FirstAt)>(StringComparer.Ordinal);
        foreach (var i in items)
        {
            var p = batch[i];
            var d = p.Delta;
            if ((p.IdempotencyKey is { } key && byKey.TryGetValue(key, out var existing)) || (d.ReferenceId is { } reference && byRef.TryGetValue(reference, out existing)))
            {
                // A duplicate is answered from the stored row before any limit applies: a retry must never become a 402.
                outcomes[i] = Settle(existing, p);
                continue;
            }

            if (p.UnlessRetry is { } refused)
            {
                outcomes[i] = WriteOutcome.Failed(refused);
                continue;
            }

            // The cap counts deltas: the log's record entries are not among them.
            if (p.Plan == PlanCatalog.Free && next - point.RecordEntries >= FreePlanLimit)
            {
                outcomes[i] = WriteOutcome.Failed(new Error(402, "PLAN_LIMIT_REACHED",
                    $"The free plan includes {FreePlanLimit} deltas. Upgrade to a paid plan to record more; reads and verification stay available."));
                continue;
            }

            // A customer without a number yet starts its chain with this delta.
            var chain = log.Heads.TryGetValue(d.CustomerId, out var h) ? h : new DeltaStore.Head(0, -1, 0);
            var sum = (Int128)chain.Balance + d.Amount;
            if (sum > long.MaxValue || sum < long.MinValue)
            {
                outcomes[i] = WriteOutcome.Failed(new Error(422, ErrorCodes.ValidationError, "This delta would take the customer's balance beyond the 64-bit range.")
                {
                    Details = [new ErrorDetail("delta", "would take the customer's balance beyond ±9223372036854775807")],
                });
                continue;
            }

            if (!log.Customers.TryGetValue(d.CustomerId, out var customerNo))
            {
                if (sqlite is not null)
                {
                    log.Customers[d.CustomerId] = customerNo = sqlite.AddCustomer(ledgerNo, d.CustomerId, next, recordedAt);
                }
                else
                {
                    // Numbered below, all at once; -1 until then.
                    customerNo = -1;
                    added.TryAdd(d.CustomerId, (next, recordedAt));
                }
            }

            var balance = (long)sum;
            var entry = new DeltaStore.NewEntry(ledgerNo, next, customerNo, d.Amount, chain.Seq + 1, chain.Seq == 0 ? null : chain.Index, balance, recordedAt,
                p.ContentHash, d.Reason, d.ReferenceId, p.IdempotencyKey, p.Metadata, p.Adjusts, p.ContentVersion);
            sqlite?.Insert(entry);
            rows.Add(entry);
            rowCustomers.Add(d.CustomerId);
            log.Heads[d.CustomerId] = new DeltaStore.Head(entry.CustomerSeq, next, balance);
            next++;
            var created = new DeltaRow
            {
                LedgerNo = ledgerNo, LogIndex = entry.LogIndex, CustomerId = d.CustomerId, Amount = d.Amount, Reason = d.Reason, ReferenceId = d.ReferenceId,
                IdempotencyKey = p.IdempotencyKey, ContentHash = p.ContentHash, ContentVersion = p.ContentVersion, Metadata = p.Metadata, Adjusts = p.Adjusts,
                CustomerSeq = entry.CustomerSeq, PrevIndex = entry.PrevIndex, BalanceAfter = balance, RecordedAt = recordedAt,
            };
            outcomes[i] = WriteOutcome.Created(created);
            // A later delta of the same round with this key or referenceId is a retry of this one.
            if (p.IdempotencyKey is { } k)
            {
                byKey[k] = created;
            }

            if (d.ReferenceId is { } r)
            {
                byRef.TryAdd(r, created);
            }
        }

        if (rows.Count == 0)
        {
            log.NextIndex = next;
            return;
        }

        if (sqlite is null)
        {
            if (added.Count > 0)
            {
                foreach (var (id, no) in await DeltaStore.AddCustomersAsync(c, tx, ledgerNo, [.. added.Select(a => (a.Key, a.Value.FirstIndex, a.Value.FirstAt))]))
                {
                    log.Customers[id] = no;
                }

                for (var r = 0; r < rows.Count; r++)
                {
                    if (rows[r].CustomerNo < 0)
                    {
                        rows[r] = rows[r] with { CustomerNo = log.Customers[rowCustomers[r]] };
                    }
                }
            }

            await DeltaStore.AppendAsync(c, tx, rows, ledgerNo, recordedAt, first, next);
        }
        else
        {
            await DeltaStore.MarkAsync(c, tx, ledgerNo, recordedAt, first);
            await TenantLedgerStore.AppendedAsync(c, tx, ledgerNo, next, recordedAt);
        }

        log.NextIndex = next;
    }

    /// <summary>SQLite: the stored deltas with the round's Idempotency-Keys or referenceIds.</summary>
    private static async Task<List<DeltaRow>> StoredDuplicatesAsync(DbConnection c, DbTransaction tx, SqliteAppender sqlite, long ledgerNo, List<string> keys,
        List<string> refs)
    {
        // One index probe each, in process; the rows themselves only for the rare retry.
        var found = new List<long>();
        foreach (var key in keys)
        {
            if (sqlite.IndexOfKey(ledgerNo, key) is long index)
            {
                found.Add(index);
            }
        }

        foreach (var reference in refs)
        {
            if (sqlite.IndexOfReference(ledgerNo, reference) is long index)
            {
                found.Add(index);
            }
        }

        return found.Count == 0 ? [] : await DeltaStore.AtIndexesAsync(c, tx, DbProvider.Sqlite, ledgerNo, found.Distinct().ToList());
    }

    /// <summary>Numbers and chain heads of the round's customers that the writer does not remember; new customers have neither yet.</summary>
    private async Task LoadCustomersAsync(DbConnection c, DbTransaction tx, SqliteAppender? sqlite, long ledgerNo, LogCache log, List<int> items, List<PendingDelta> batch)
    {
        var unknown = items.Select(i => batch[i].Delta.CustomerId).Where(id => !log.Customers.ContainsKey(id)).Distinct(StringComparer.Ordinal).ToList();
        if (sqlite is not null)
        {
            foreach (var id in unknown)
            {
                if (sqlite.CustomerNo(ledgerNo, id) is long no)
                {
                    log.Customers[id] = no;
                }
            }
        }
        else if (unknown.Count > 0)
        {
            foreach (var (id, no) in await DeltaStore.FindCustomerNumbersAsync(c, tx, ledgerNo, unknown))
            {
                log.Customers[id] = no;
            }
        }

        var headless = items.Select(i => batch[i].Delta.CustomerId).Where(id => !log.Heads.ContainsKey(id) && log.Customers.ContainsKey(id))
            .Distinct(StringComparer.Ordinal).ToDictionary(id => log.Customers[id]);
        if (headless.Count > 0)
        {
            foreach (var (no, head) in await DeltaStore.ChainHeadsAsync(c, tx, db.Provider, [.. headless.Keys]))
            {
                log.Heads[headless[no]] = head;
            }
        }
    }

    private WriteOutcome Settle(DeltaRow existing, PendingDelta p)
    {
        if (existing.RecordId.Length == 0)
        {
            existing.Finish(ids, 0);
        }

        // The same body is compared under the stored delta's content version: a delta stored before version 2 existed was
        // hashed as version 1 even when it carried an adjusts, and its retry must still replay.
        var contentHash = existing.ContentVersion == p.ContentVersion
            ? p.ContentHash
            : (p.Delta.Content(p.TenantId, options.Value.EnvironmentName) with { Adjusts = null }).ContentHash();
        if (existing.RequestHash == NewDelta.RequestHash(contentHash, p.Adjusts))
        {
            return WriteOutcome.Replay(existing);
        }

        var byKey = p.IdempotencyKey is not null && existing.IdempotencyKey == p.IdempotencyKey;
        return WriteOutcome.Failed(new Error(409, "IDEMPOTENCY_KEY_REUSED", byKey
            ? "This Idempotency-Key was already used with a different body. Use a new key for a new delta."
            : "This referenceId was already used with a different body. Use a new referenceId for a new delta.")
        {
            Details = [new ErrorDetail(byKey ? "Idempotency-Key" : "referenceId", "already used for record " + existing.RecordId)],
        });
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Error, Message = "Writing a batch of {Count} deltas failed; every request in it gets an error")]
    private partial void LogCommitFailed(Exception ex, int count);

    /// <summary>
    /// A delta waiting for the group commit, with its content already hashed (and its metadata and adjusts canonicalized) by
    /// the request; <see cref="UnlessRetry"/> is why it may not be written unless it is a retry.
    /// </summary>
    private sealed record PendingDelta(string TenantId, string Plan, NewDelta Delta, string? IdempotencyKey, byte[] ContentHash, int ContentVersion,
        string? Metadata, string? Adjusts, Error? UnlessRetry)
    {
        public TaskCompletionSource<WriteOutcome> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>What the writer remembers of one log between rounds.</summary>
    private sealed class LogCache
    {
        /// <summary>Where this writer left the log: its heads are current only while the log's next index is still this.</summary>
        public long NextIndex = -1;

        public Dictionary<string, long> Customers { get; } = new(StringComparer.Ordinal);

        /// <summary>Each customer's newest entry, by customer id.</summary>
        public Dictionary<string, DeltaStore.Head> Heads { get; } = new(StringComparer.Ordinal);
    }
}
