using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using System.Threading.Channels;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Ledger;

namespace PacSpace.Plane.Features.Deltas;

/// <summary>A stored delta, as the routes read it.</summary>
internal sealed class DeltaRow
{
    public const string Columns =
        "record_id, receipt_id, tenant_id, customer_id, amount, reason, reference_id, idempotency_key, request_hash, content_hash, status, created_at, " +
        "log_index, customer_seq, prev_index, balance_after, recorded_at, verified_at, head_size";

    public string record_id { get; set; } = "";

    public string receipt_id { get; set; } = "";

    public string tenant_id { get; set; } = "";

    public string customer_id { get; set; } = "";

    public long amount { get; set; }

    public string reason { get; set; } = "";

    public string? reference_id { get; set; }

    public string? idempotency_key { get; set; }

    public string request_hash { get; set; } = "";

    public string content_hash { get; set; } = "";

    public string status { get; set; } = "";

    public long created_at { get; set; }

    public long? log_index { get; set; }

    public long? customer_seq { get; set; }

    public long? prev_index { get; set; }

    public long? balance_after { get; set; }

    public long? recorded_at { get; set; }

    public long? verified_at { get; set; }

    public long? head_size { get; set; }

    /// <summary>The canonical delta (RFC 8785 text); read only where it is shown.</summary>
    public string? canonical { get; set; }
}

/// <summary>How a write ended for one request.</summary>
internal sealed record WriteOutcome(DeltaRow? Row, bool Replayed, Error? Error)
{
    public static WriteOutcome Created(DeltaRow row) => new(row, false, null);

    public static WriteOutcome Replay(DeltaRow row) => new(row, true, null);

    public static WriteOutcome Failed(Error error) => new(null, false, error);
}

/// <summary>A delta waiting for the group commit, with its content already canonicalized and hashed by the request.</summary>
internal sealed record PendingDelta(string TenantId, string Plan, NewDelta Delta, string? IdempotencyKey, string Canonical, string ContentHash, string RequestHash)
{
    public TaskCompletionSource<WriteOutcome> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// The single writer of this replica's plane database (group commit): requests queue in a channel, and each
/// round writes everything waiting (up to <see cref="MaxBatch"/>) in one transaction, one fsync, before any of
/// them is answered. Duplicates are settled by the database's unique indexes, so several replicas can write at once.
/// </summary>
internal sealed partial class DeltaWriter(Database db, IOptions<PlaneOptions> options, TimeProvider time, ILogger<DeltaWriter> logger) : BackgroundService
{
    public const int MaxBatch = 512;

    /// <summary>Lifetime cap of the free plan, in deltas.</summary>
    public const long FreePlanLimit = PacSpace.Contracts.Plans.PlanCatalog.FreeLifetimeDeltas;

    private const string InsertSql =
        """
        INSERT INTO deltas (record_id, receipt_id, tenant_id, customer_id, amount, reason, reference_id, idempotency_key, request_hash,
                            canonical, content_hash, adjusts, status, created_at)
        VALUES (@record_id, @receipt_id, @tenant_id, @customer_id, @amount, @reason, @reference_id, @idempotency_key, @request_hash,
                @canonical, @content_hash, @adjusts, @status, @created_at)
        ON CONFLICT DO NOTHING
        """;

    private static readonly string[] InsertColumns =
        ["record_id", "receipt_id", "tenant_id", "customer_id", "amount", "reason", "reference_id", "idempotency_key", "request_hash", "canonical", "content_hash", "adjusts", "status", "created_at"];

    private readonly Channel<PendingDelta> _queue = Channel.CreateBounded<PendingDelta>(new BoundedChannelOptions(50_000) { SingleReader = true });
    private readonly ConcurrentDictionary<(string Tenant, string Key), byte> _inFlight = new();

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
    }

    private async Task CommitAsync(List<PendingDelta> batch)
    {
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
                if (p.Plan == "free")
                {
                    // A duplicate is answered from the stored row before any limit applies: a retry must never become a 402.
                    if (await FindDuplicateAsync(connection, tx, p.TenantId, p.IdempotencyKey, p.Delta.ReferenceId) is { } existing)
                    {
                        outcomes[i] = Settle(existing, p);
                        continue;
                    }

                    if (!freeCounts.TryGetValue(p.TenantId, out var count))
                    {
                        count = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                            "SELECT COUNT(*) FROM deltas WHERE tenant_id = @tenantId", new { tenantId = p.TenantId }, tx));
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
                    record_id = Ids.New("rec", time),
                    receipt_id = Ids.New("rcp", time),
                    tenant_id = p.TenantId,
                    customer_id = p.Delta.CustomerId,
                    amount = p.Delta.Amount,
                    reason = p.Delta.Reason,
                    reference_id = p.Delta.ReferenceId,
                    idempotency_key = p.IdempotencyKey,
                    request_hash = p.RequestHash,
                    content_hash = p.ContentHash,
                    status = DeltaStatus.Queued,
                    created_at = now,
                };
                values.Add([row.record_id, row.receipt_id, row.tenant_id, row.customer_id, row.amount, row.reason, row.reference_id, row.idempotency_key,
                    row.request_hash, p.Canonical, row.content_hash, p.Delta.Adjusts, row.status, row.created_at]);
            }

            // Every new row in one go; a row the unique indexes refused is a retry or a reuse, settled against the stored one.
            var inserted = await Database.ExecuteEachAsync(connection, tx, InsertSql, InsertColumns, values, CancellationToken.None);
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
                var existing = await FindDuplicateAsync(connection, tx, p.TenantId, p.IdempotencyKey, p.Delta.ReferenceId)
                    ?? throw new InvalidOperationException("Insert skipped but no duplicate found.");
                outcomes[i] = Settle(existing, p);
            }

            await write.CommitAsync(CancellationToken.None);
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
        if (existing.request_hash == p.RequestHash)
        {
            return WriteOutcome.Replay(existing);
        }

        var byKey = p.IdempotencyKey is not null && existing.idempotency_key == p.IdempotencyKey;
        return WriteOutcome.Failed(new Error(409, "IDEMPOTENCY_KEY_REUSED", byKey
            ? "This Idempotency-Key was already used with a different body. Use a new key for a new delta."
            : "This referenceId was already used with a different body. Use a new referenceId for a new delta.")
        {
            Details = [new ErrorDetail(byKey ? "Idempotency-Key" : "referenceId", "already used for record " + existing.record_id)],
        });
    }

    private static async Task<DeltaRow?> FindDuplicateAsync(DbConnection connection, DbTransaction tx, string tenantId, string? key, string? referenceId)
    {
        if (key is null && referenceId is null)
        {
            return null;
        }

        if (key is not null)
        {
            var byKey = await connection.QuerySingleOrDefaultAsync<DeltaRow>(new CommandDefinition(
                $"SELECT {DeltaRow.Columns} FROM deltas WHERE tenant_id = @tenantId AND idempotency_key = @key", new { tenantId, key }, tx));
            if (byKey is not null)
            {
                return byKey;
            }
        }

        return referenceId is null
            ? null
            : await connection.QuerySingleOrDefaultAsync<DeltaRow>(new CommandDefinition(
                $"SELECT {DeltaRow.Columns} FROM deltas WHERE tenant_id = @tenantId AND reference_id = @referenceId", new { tenantId, referenceId }, tx));
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Error, Message = "Writing a batch of {Count} deltas failed; every request in it gets an error")]
    private partial void LogCommitFailed(Exception ex, int count);
}

internal static class DeltaStatus
{
    public const string Queued = "QUEUED";
    public const string Verified = "VERIFIED";
    public const string Failed = "FAILED";
}
