using System.Diagnostics.Metrics;
using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Win32.SafeHandles;
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
    // A log's entry is read and changed under lock (entry) by planned rounds, and by one locked round at a time (which claims it).
    private readonly ConcurrentDictionary<long, LogCache> _logs = new();
    // Tenant → the number of its log here (fixed once the log exists), learnt under the lock.
    private readonly ConcurrentDictionary<string, long> _ledgerNos = new(StringComparer.Ordinal);

    private readonly Channel<PendingDelta> _queue = Channel.CreateBounded<PendingDelta>(new BoundedChannelOptions(50_000) { SingleReader = true });
    private readonly ConcurrentDictionary<(string Tenant, string Key), byte> _inFlight = new();
    // SQLite on a file: the group commit's connection of its own, with its statements prepared once, taken in turn by the rounds
    // in flight for their writes (the file has one writer at a time anyway) and left before their sync. One connection, so that
    // its page cache stays warm from round to round: SQLite drops a connection's cache whenever another one has committed.
    // A round that fails closes it; the next one opens another.
    private readonly SemaphoreSlim _ownTurn = new(1, 1);
    private SqliteAppender? _own;

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
        // The next batch is taken and written while the previous commit is still being made durable. On PostgreSQL it
        // waits for the previous one's lock on a log they share, and runs beside it for other logs; on SQLite, which has one
        // writer at a time, the previous commit frees the file before its sync (CommitLockedAsync).
        using var slots = new SemaphoreSlim(2);
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

        _own?.Dispose();
        _own = null;

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
        var rest = batch;
        if (db.Provider == DbProvider.Postgres)
        {
            try
            {
                rest = await CommitPlannedAsync(batch);
            }
            catch (Exception ex)
            {
                Fail(batch, ex);
                return;
            }
        }

        if (rest.Count > 0)
        {
            await CommitLockedAsync(rest);
        }
    }

    /// <summary>
    /// PostgreSQL: the round's deltas of the logs this writer remembers (their number, where it left them, their customers' chain
    /// heads), sequenced before any statement and written in one round trip — <c>BEGIN</c>, per log its lock and a check
    /// (<see cref="DeltaStore.AddPlannedCheck"/>), then per log a write that happens only if its check held
    /// (<see cref="DeltaStore.AddWriteIfChecked"/>, on a cached plan), <c>COMMIT</c> — so that the lock is held only while the server works,
    /// never across a round trip. A log that moved meanwhile (another replica, a record entry) or that holds one of the round's
    /// keys or referenceIds is left as it was: its deltas are returned, with those of logs the writer does not know, for
    /// <see cref="CommitLockedAsync"/>. The deltas written are completed here.
    /// </summary>
    private async Task<List<PendingDelta>> CommitPlannedAsync(List<PendingDelta> batch)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var outcomes = new WriteOutcome?[batch.Count];
        var rest = new List<PendingDelta>();
        var planned = new List<(LogCache Log, List<int> Items, Sequenced Plan)>();
        foreach (var group in ByLog(batch))
        {
            var items = group.ToList();
            if (!_ledgerNos.TryGetValue(group.Key, out var ledgerNo) || !_logs.TryGetValue(ledgerNo, out var log)
                || TryPlan(log, ledgerNo, items, batch, outcomes, now) is not { } plan)
            {
                rest.AddRange(items.Select(i => batch[i]));
                continue;
            }

            planned.Add((log, items, plan));
        }

        if (planned.Count == 0)
        {
            return rest;
        }

        try
        {
            // Sent once the planned rounds ahead on the same logs are answered: sent together, they could reach their logs' locks
            // in the other order, and the later one would find the log short of where it was planned.
            foreach (var (_, _, plan) in planned)
            {
                await plan.After;
            }

            return await SendPlannedAsync(batch, planned, outcomes, rest);
        }
        finally
        {
            foreach (var (_, _, plan) in planned)
            {
                plan.Answered.TrySetResult();
            }
        }
    }

    /// <summary>The round trip of <see cref="CommitPlannedAsync"/>, and what it tells of each log.</summary>
    private async Task<List<PendingDelta>> SendPlannedAsync(List<PendingDelta> batch, List<(LogCache Log, List<int> Items, Sequenced Plan)> planned,
        WriteOutcome?[] outcomes, List<PendingDelta> rest)
    {
        List<bool> written;
        await using (var c = await db.OpenAsync(CancellationToken.None))
        {
            await using var trip = c.CreateBatch();
            DeltaStore.Add(trip, "BEGIN");
            DeltaStore.AddCachedPlans(trip);
            for (var g = 0; g < planned.Count; g++)
            {
                var (_, items, plan) = planned[g];
                DeltaStore.AddPlannedCheck(trip, g, plan.Rows[0].LedgerNo, plan.First,
                    items.Select(i => batch[i].IdempotencyKey).OfType<string>().Distinct(StringComparer.Ordinal).ToList(),
                    items.Select(i => batch[i].Delta.ReferenceId).OfType<string>().Distinct(StringComparer.Ordinal).ToList());
            }

            for (var g = 0; g < planned.Count; g++)
            {
                var plan = planned[g].Plan;
                DeltaStore.AddWriteIfChecked(trip, g, plan.Rows, plan.Rows[0].LedgerNo, plan.RecordedAt, plan.First, plan.Next);
            }

            DeltaStore.Add(trip, "COMMIT");
            try
            {
                written = await DeltaStore.ReadWrittenAsync(trip);
            }
            catch
            {
                // The transaction failed before its COMMIT ran: end it before the connection goes back to the pool.
                await Database.RollBackQuietlyAsync(c);
                throw;
            }
        }

        if (written.Count != planned.Count)
        {
            throw new InvalidOperationException($"A planned round answered {written.Count} appends for {planned.Count} logs.");
        }

        var done = 0;
        for (var g = 0; g < planned.Count; g++)
        {
            var (log, items, _) = planned[g];
            lock (log)
            {
                if (!written[g])
                {
                    // The log was not where this writer thought: what it planned on is forgotten (and so is any round planned on top,
                    // which finds the log elsewhere too).
                    log.NextIndex = -1;
                }
            }

            if (!written[g])
            {
                rest.AddRange(items.Select(i => batch[i]));
                continue;
            }

            foreach (var i in items)
            {
                batch[i].Done.TrySetResult(outcomes[i]!);
                done++;
            }
        }

        if (done > 0)
        {
            CommitSize.Record(done, new KeyValuePair<string, object?>("environment", options.Value.EnvironmentName));
        }

        return rest;
    }

    /// <summary>
    /// Sequences a log's deltas of the round from what this writer remembers, when it remembers all it needs (where it left the
    /// log, each customer's number and chain head) and no locked round is using it; the log is then remembered as the plan
    /// leaves it, so that the next round plans on top of this one, and the plan counts among the log's rounds in flight until its
    /// <see cref="Sequenced.Answered"/> completes. Null otherwise, or when nothing would be written.
    /// </summary>
    private Sequenced? TryPlan(LogCache log, long ledgerNo, List<int> items, List<PendingDelta> batch, WriteOutcome?[] outcomes, long now)
    {
        lock (log)
        {
            if (log.Claims > 0 || log.NextIndex < 0
                || items.Any(i => !log.Heads.ContainsKey(batch[i].Delta.CustomerId) || !log.Customers.ContainsKey(batch[i].Delta.CustomerId)))
            {
                return null;
            }

            var recordedAt = Math.Max(now, log.AppendedAt);
            var plan = Sequence(log, ledgerNo, log.NextIndex, recordedAt, log.RecordEntries, items, batch, outcomes, new(StringComparer.Ordinal), new(StringComparer.Ordinal), null);
            if (plan.Rows.Count == 0 || plan.Added.Count > 0)
            {
                // Nothing to write (every delta refused): whether each is a retry after all is for the locked path to tell.
                return null;
            }

            plan.ApplyTo(log);
            log.Remember(plan.Next, recordedAt, log.RecordEntries);
            plan.After = log.Pending;
            log.Pending = log.Pending.IsCompleted ? plan.Answered.Task : Task.WhenAll(log.Pending, plan.Answered.Task);
            return plan;
        }
    }

    /// <summary>
    /// Each tenant's deltas in the order they came, one log at a time; the logs in the order of their tenant ids, so that two
    /// rounds in flight at once (on PostgreSQL, here or on another replica) take their logs' locks in the same order and never
    /// wait for each other in a circle.
    /// </summary>
    private static IOrderedEnumerable<IGrouping<string, int>> ByLog(List<PendingDelta> batch) =>
        Enumerable.Range(0, batch.Count).GroupBy(i => batch[i].TenantId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal);

    /// <summary>
    /// The round as a transaction that reads each log's place under its lock first (SQLite: the one writer's transaction). What the
    /// writer remembers of its logs is claimed first: no round plans on it until this one is over, and the planned rounds already
    /// in flight are waited for (before any lock is taken, so they never wait for this one), so that it finds the log where they
    /// left it and what is remembered still holds.
    /// </summary>
    private async Task CommitLockedAsync(List<PendingDelta> batch)
    {
        var outcomes = new WriteOutcome?[batch.Count];
        var claimed = new List<LogCache>();
        var turn = db.CanSyncLater ? _ownTurn : null;
        var hasTurn = false;
        SqliteAppender? own = null;
        SafeFileHandle? logFile = null;
        try
        {
            var inFlight = new List<Task>();
            foreach (var tenant in batch.Select(p => p.TenantId).Distinct(StringComparer.Ordinal))
            {
                if (_ledgerNos.TryGetValue(tenant, out var ledgerNo) && _logs.TryGetValue(ledgerNo, out var log))
                {
                    lock (log)
                    {
                        log.Claims++;
                        inFlight.Add(log.Pending);
                    }

                    claimed.Add(log);
                }
            }

            await Task.WhenAll(inFlight);
            // SQLite on a file: the commit frees the file before its sync (made below, before anyone is answered).
            if (turn is not null)
            {
                await turn.WaitAsync();
                hasTurn = true;
                own = _own ??= await SqliteAppender.OpenAsync(db, CancellationToken.None);
            }

            await using (var write = await db.BeginWriteOnAsync(own?.Connection, CancellationToken.None))
            {
                var now = time.GetUtcNow().ToUnixTimeMilliseconds();
                foreach (var group in ByLog(batch))
                {
                    await AppendAsync(write, own, group.Key, group.ToList(), batch, outcomes, now, claimed);
                }

                await write.CommitAsync(CancellationToken.None);
            }

            // Taken while this round still has the connection, which keeps the log's file as long as it is open.
            logFile = own?.Log(db);
            CommitSize.Record(batch.Count, new KeyValuePair<string, object?>("environment", options.Value.EnvironmentName));
        }
        catch (Exception ex)
        {
            // A connection whose round failed is not used again.
            if (own is not null)
            {
                own.Dispose();
                _own = null;
            }

            Fail(batch, ex);
            return;
        }
        finally
        {
            if (hasTurn)
            {
                turn!.Release();
            }

            foreach (var log in claimed)
            {
                lock (log)
                {
                    log.Claims--;
                }
            }
        }

        try
        {
            // SQLite: the commit above left the disk sync for now, so that the next round could take the file meanwhile;
            // nobody is answered before the round is durable.
            await db.SyncLogAsync(logFile, CancellationToken.None);
        }
        catch (Exception ex)
        {
            Fail(batch, ex);
            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Done.TrySetResult(outcomes[i]!);
        }
    }

    private void Fail(List<PendingDelta> batch, Exception ex)
    {
        // Nothing of the round is stored (or, when its commit broke off, nothing is known): what this writer remembered is forgotten.
        _logs.Clear();
        LogCommitFailed(ex, batch.Count);
        foreach (var item in batch)
        {
            item.Done.TrySetException(ex);
        }
    }

    /// <summary>Appends one tenant's deltas of the round to its log, in the round's transaction.</summary>
    /// <param name="own">SQLite on a file: the appender whose connection <paramref name="write"/> is on; otherwise one is made for the round.</param>
    private async Task AppendAsync(WriteTransaction write, SqliteAppender? own, string tenantId, List<int> items, List<PendingDelta> batch, WriteOutcome?[] outcomes,
        long now, List<LogCache> claimed)
    {
        var (c, tx, provider) = (write.Connection, write.Transaction, db.Provider);
        var keys = items.Select(i => batch[i].IdempotencyKey).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var refs = items.Select(i => batch[i].Delta.ReferenceId).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        using var roundOnly = own is null && provider == DbProvider.Sqlite ? new SqliteAppender(c) : null;
        var sqlite = own ?? roundOnly;
        // PostgreSQL: the lock and the look-up of stored duplicates in one round trip; SQLite probes its indexes in process below.
        List<long>? duplicates = null;
        TenantLedgerStore.AppendPoint? locked;
        if (sqlite is null)
        {
            var found = await DeltaStore.LockWithDuplicatesAsync(c, tx, tenantId, keys, refs);
            (locked, duplicates) = (found?.Point, found?.Found);
        }
        else
        {
            locked = sqlite.LockForAppend(tenantId);
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
        _ledgerNos[tenantId] = ledgerNo;
        // What this writer remembers of the log holds only while the log is where it left it: when another replica, or the
        // Records API's appends (which move the same append point), appended since, it starts afresh (a failed commit of its
        // own clears everything it remembers).
        // Only what this round claimed, before any planned round could start on it (a log it did not know of then starts afresh).
        if (!_logs.TryGetValue(ledgerNo, out var log) || !claimed.Contains(log) || log.NextIndex != point.NextIndex || log.Customers.Count > MaxCachedCustomers)
        {
            _logs[ledgerNo] = log = new LogCache { Claims = 1 };
            claimed.Add(log);
        }

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

        // Entries are appended in time order: never earlier than the log's last commit.
        var recordedAt = Math.Max(now, point.AppendedAt);
        var plan = Sequence(log, ledgerNo, point.NextIndex, recordedAt, point.RecordEntries, items, batch, outcomes, byKey, byRef, sqlite);
        plan.ApplyTo(log);
        if (plan.Rows.Count == 0)
        {
            log.Remember(point.NextIndex, point.AppendedAt, point.RecordEntries);
            return;
        }

        if (sqlite is null)
        {
            if (plan.Added.Count > 0)
            {
                foreach (var (id, no) in await DeltaStore.AddCustomersAsync(c, tx, ledgerNo, [.. plan.Added.Select(a => (a.Key, a.Value.FirstIndex, a.Value.FirstAt))]))
                {
                    log.Customers[id] = no;
                }

                for (var r = 0; r < plan.Rows.Count; r++)
                {
                    if (plan.Rows[r].CustomerNo < 0)
                    {
                        plan.Rows[r] = plan.Rows[r] with { CustomerNo = log.Customers[plan.RowCustomers[r]] };
                    }
                }
            }

            await DeltaStore.AppendAsync(c, tx, plan.Rows, ledgerNo, recordedAt, point.NextIndex, plan.Next);
        }
        else
        {
            foreach (var (customer, head) in plan.Heads)
            {
                sqlite.MoveHead(log.Customers[customer], head.Index);
            }

            sqlite.Appended(ledgerNo, point.NextIndex, plan.Next, recordedAt);
        }

        log.Remember(plan.Next, recordedAt, point.RecordEntries);
    }

    /// <summary>
    /// Gives each of a log's deltas of the round its place from <paramref name="first"/> on: its customer's sequence, previous index
    /// and running balance, or why it is refused (a retry or reuse of <paramref name="byKey"/> or <paramref name="byRef"/> first).
    /// The chain heads it moves are kept aside (<see cref="Sequenced.ApplyTo"/>) until the caller knows they are written; SQLite
    /// inserts each row as it goes.
    /// </summary>
    private Sequenced Sequence(LogCache log, long ledgerNo, long first, long recordedAt, long recordEntries, List<int> items, List<PendingDelta> batch,
        WriteOutcome?[] outcomes, Dictionary<string, DeltaRow> byKey, Dictionary<string, DeltaRow> byRef, SqliteAppender? sqlite)
    {
        var plan = new Sequenced(items.Count) { First = first, Next = first, RecordedAt = recordedAt };
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
            if (p.Plan == PlanCatalog.Free && plan.Next - recordEntries >= FreePlanLimit)
            {
                outcomes[i] = WriteOutcome.Failed(new Error(402, "PLAN_LIMIT_REACHED",
                    $"The free plan includes {FreePlanLimit} deltas. Upgrade to a paid plan to record more; reads and verification stay available."));
                continue;
            }

            // A customer without a number yet starts its chain with this delta.
            var chain = plan.Heads.TryGetValue(d.CustomerId, out var h) || log.Heads.TryGetValue(d.CustomerId, out h) ? h : new DeltaStore.Head(0, -1, 0);
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
                    log.Customers[d.CustomerId] = customerNo = sqlite.AddCustomer(ledgerNo, d.CustomerId, plan.Next, recordedAt);
                }
                else
                {
                    // Numbered by the caller, all at once; -1 until then.
                    customerNo = -1;
                    plan.Added.TryAdd(d.CustomerId, (plan.Next, recordedAt));
                }
            }

            var balance = (long)sum;
            var entry = new DeltaStore.NewEntry(ledgerNo, plan.Next, customerNo, d.Amount, chain.Seq + 1, chain.Seq == 0 ? null : chain.Index, balance, recordedAt,
                p.ContentHash, d.Reason, d.ReferenceId, p.IdempotencyKey, p.Metadata, p.Adjusts, p.ContentVersion);
            sqlite?.Insert(entry);
            plan.Rows.Add(entry);
            plan.RowCustomers.Add(d.CustomerId);
            plan.Heads[d.CustomerId] = new DeltaStore.Head(entry.CustomerSeq, plan.Next, balance);
            plan.Next++;
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

        return plan;
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

    /// <summary>A log's part of a round, sequenced: its rows, the customers new to the log, and the chain heads the rows move.</summary>
    private sealed class Sequenced(int capacity)
    {
        public long First;

        public long Next;

        public long RecordedAt;

        /// <summary>Planned rounds: the planned rounds ahead on the log, which this one waits for.</summary>
        public Task After = Task.CompletedTask;

        /// <summary>Planned rounds: completed once the round's answer is known (or it failed).</summary>
        public TaskCompletionSource Answered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<DeltaStore.NewEntry> Rows { get; } = new(capacity);

        /// <summary>The customer id of each row.</summary>
        public List<string> RowCustomers { get; } = new(capacity);

        /// <summary>PostgreSQL: customers new in this round, with the index and time of their first delta in it.</summary>
        public Dictionary<string, (long FirstIndex, long FirstAt)> Added { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, DeltaStore.Head> Heads { get; } = new(StringComparer.Ordinal);

        public void ApplyTo(LogCache log)
        {
            foreach (var (customer, head) in Heads)
            {
                log.Heads[customer] = head;
            }
        }
    }

    /// <summary>What the writer remembers of one log between rounds.</summary>
    private sealed class LogCache
    {
        /// <summary>Where this writer left the log: its heads are current only while the log's next index is still this.</summary>
        public long NextIndex = -1;

        /// <summary>The log's last append time and count of record entries, as of <see cref="NextIndex"/>.</summary>
        public long AppendedAt;

        public long RecordEntries;

        public void Remember(long nextIndex, long appendedAt, long recordEntries) => (NextIndex, AppendedAt, RecordEntries) = (nextIndex, appendedAt, recordEntries);

        /// <summary>Under <c>lock (this)</c>: locked rounds that will read and change it (no round plans on it meanwhile).</summary>
        public int Claims;

        /// <summary>Under <c>lock (this)</c>: completes once every planned round sent so far has been answered.</summary>
        public Task Pending = Task.CompletedTask;

        public Dictionary<string, long> Customers { get; } = new(StringComparer.Ordinal);

        /// <summary>Each customer's newest entry, by customer id.</summary>
        public Dictionary<string, DeltaStore.Head> Heads { get; } = new(StringComparer.Ordinal);
    }
}
