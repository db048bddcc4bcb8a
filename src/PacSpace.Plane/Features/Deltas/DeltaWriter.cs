using System.Diagnostics.Metrics;
using System.Collections.Concurrent;
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

namespace PacSpace.Plane.Features.Deltas;

/// <summary>
/// The single writer of this replica's plane database (group commit): requests queue in a channel, and each
/// round writes everything waiting (up to <see cref="MaxBatch"/>) in one transaction, one fsync, before any of
/// them is answered. Duplicates are settled by the database's unique indexes, so several replicas can write at once.
/// </summary>
internal sealed partial class DeltaWriter(Database db, IOptions<PlaneOptions> options, TimeProvider time, ILogger<DeltaWriter> logger) : BackgroundService
{
    public const int MaxBatch = 512;

    /// <summary>Lifetime cap of the free plan, in deltas.</summary>
    public const long FreePlanLimit = PlanCatalog.FreeLifetimeDeltas;

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
    public async Task<WriteOutcome> WriteAsync(string tenantId, string plan, NewDelta delta, string? idempotencyKey, CancellationToken ct)
    {
        if (idempotencyKey is not null && !_inFlight.TryAdd((tenantId, idempotencyKey), 0))
        {
            return WriteOutcome.Failed(new Error(202, "IDEMPOTENCY_PENDING", "A request with this Idempotency-Key is still being written. Retry shortly.") { RetryAfterSeconds = 1 });
        }

        try
        {
            // Canonical form and hashes are computed here, on the request's thread, not by the single writer.
            var canonical = delta.Content(tenantId, options.Value.EnvironmentName).Canonical();
            var contentHash = DeltaContent.HashCanonical(canonical);
            var pending = new PendingDelta(tenantId, plan, delta, idempotencyKey, Encoding.UTF8.GetString(canonical), Hex.Encode(contentHash),
                NewDelta.RequestHash(contentHash, delta.Adjusts));
            await _queue.Writer.WriteAsync(pending, ct);
            // Not cancelled with the request: once queued the write happens, and the answer must match it.
            return await pending.Done.Task;
        }
        finally
        {
            if (idempotencyKey is not null)
            {
                _inFlight.TryRemove((tenantId, idempotencyKey), out _);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Writers[this] = options.Value.EnvironmentName;
        var batch = new List<PendingDelta>(MaxBatch);
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && reader.TryRead(out var item))
                {
                    batch.Add(item);
                }

                await CommitAsync(batch);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Whatever is still queued at shutdown is written before the host stops.
        while (reader.TryRead(out var item))
        {
            batch.Clear();
            batch.Add(item);
            while (batch.Count < MaxBatch && reader.TryRead(out var more))
            {
                batch.Add(more);
            }

            await CommitAsync(batch);
        }

        Writers.TryRemove(this, out _);
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
            var (connection, tx) = (write.Connection, write.Transaction);
            var freeCounts = new Dictionary<string, long>(StringComparer.Ordinal);
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var rows = new DeltaRow?[batch.Count];
            var values = new List<object?[]>(batch.Count);
            for (var i = 0; i < batch.Count; i++)
            {
                var p = batch[i];
                if (p.Plan == PlanCatalog.Free)
                {
                    // A duplicate is answered from the stored row before any limit applies: a retry must never become a 402.
                    if (await DeltaStore.FindDuplicateAsync(connection, tx, p.TenantId, p.IdempotencyKey, p.Delta.ReferenceId) is { } existing)
                    {
                        outcomes[i] = Settle(existing, p);
                        continue;
                    }

                    if (!freeCounts.TryGetValue(p.TenantId, out var count))
                    {
                        count = await DeltaStore.CountAsync(connection, tx, p.TenantId);
                    }

                    if (count >= FreePlanLimit)
                    {
                        outcomes[i] = WriteOutcome.Failed(new Error(402, "PLAN_LIMIT_REACHED",
                            $"The free plan includes {FreePlanLimit} deltas. Upgrade to a paid plan to record more; reads and verification stay available."));
                        continue;
                    }

                    freeCounts[p.TenantId] = count + 1;
                }

                var row = rows[i] = new DeltaRow
                {
                    RecordId = Ids.New("rec", time),
                    ReceiptId = Ids.New("rcp", time),
                    TenantId = p.TenantId,
                    CustomerId = p.Delta.CustomerId,
                    Amount = p.Delta.Amount,
                    Reason = p.Delta.Reason,
                    ReferenceId = p.Delta.ReferenceId,
                    IdempotencyKey = p.IdempotencyKey,
                    RequestHash = p.RequestHash,
                    ContentHash = p.ContentHash,
                    Status = DeltaStatus.Queued,
                    CreatedAt = now,
                };
                values.Add([row.RecordId, row.ReceiptId, row.TenantId, row.CustomerId, row.Amount, row.Reason, row.ReferenceId, row.IdempotencyKey,
                    row.RequestHash, p.Canonical, row.ContentHash, p.Delta.Adjusts, row.Status, row.CreatedAt]);
            }

            // Every new row in one go; a row the unique indexes refused is a retry or a reuse, settled against the stored one.
            var inserted = await DeltaStore.InsertAsync(connection, tx, values, CancellationToken.None);
            var v = 0;
            for (var i = 0; i < batch.Count; i++)
            {
                if (rows[i] is not { } row)
                {
                    continue;
                }

                if (inserted[v++] == 1)
                {
                    outcomes[i] = WriteOutcome.Created(row);
                    continue;
                }

                var p = batch[i];
                var existing = await DeltaStore.FindDuplicateAsync(connection, tx, p.TenantId, p.IdempotencyKey, p.Delta.ReferenceId)
                    ?? throw new InvalidOperationException("Insert skipped but no duplicate found.");
                outcomes[i] = Settle(existing, p);
            }

            await write.CommitAsync(CancellationToken.None);
            CommitSize.Record(batch.Count, new KeyValuePair<string, object?>("environment", options.Value.EnvironmentName));
        }
        catch (Exception ex)
        {
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

    private static WriteOutcome Settle(DeltaRow existing, PendingDelta p)
    {
        if (existing.RequestHash == p.RequestHash)
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

    /// <summary>A delta waiting for the group commit, with its content already canonicalized and hashed by the request.</summary>
    private sealed record PendingDelta(string TenantId, string Plan, NewDelta Delta, string? IdempotencyKey, string Canonical, string ContentHash, string RequestHash)
    {
        public TaskCompletionSource<WriteOutcome> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
