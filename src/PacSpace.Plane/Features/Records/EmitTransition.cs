using System.Data.Common;
using Microsoft.Extensions.Options;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Ledger;
using PacSpace.Plane.Features.Deltas;
using PacSpace.Plane.Features.Keys;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Records;

/// <summary>
/// Appends one entry to a record (<c>POST /api/v1/records/{recordType}/{entityId}/transitions</c>), as a leaf of the tenant's
/// log beside its deltas. In one write transaction, under the tenant's append point (locked <c>FOR UPDATE</c> on PostgreSQL;
/// the one write transaction on SQLite), as a group commit of deltas appends: a retry is settled against the stored entry
/// first (<c>referenceId</c>, <c>Idempotency-Key</c>); then the record's state must take the transition, and what it amends
/// and references must be stored entries of the caller's log; then the entry gets the next log index, its seq and the index
/// of the record's previous entry, and the append point moves past it. Answered 201 once durable; the head signer then
/// covers it like any entry.
/// </summary>
internal sealed class EmitTransition(Database db, EntryIds ids, IOptions<PlaneOptions> options, TimeProvider time)
{
    /// <param name="IdempotencyKey">The well-formed <c>Idempotency-Key</c>, or none.</param>
    public sealed record Input(string RecordType, string EntityId, NewTransition Transition, string? IdempotencyKey);

    public async Task<Result<RecordViews.EmitView>> HandleAsync(ApiCaller caller, Input input, CancellationToken ct)
    {
        var env = options.Value.EnvironmentName;
        var t = input.Transition;
        var keyHash = RecordKey.Hash(caller.TenantId, env, input.RecordType, input.EntityId);
        if (t.Amends is { } amended && !amended.KeyHash.AsSpan().SequenceEqual(keyHash))
        {
            return RecordErrors.Of(RecordErrors.AmendsMismatch, new ErrorDetail("content.amends.recordKey",
                $"names another record; an entry amends an entry of its own record ({RecordKey.Format(keyHash)})"));
        }

        await using var write = await db.BeginWriteAsync(ct);
        var (c, tx) = (write.Connection, write.Transaction);
        if (await TenantLedgerStore.LockForAppendAsync(c, tx, db.Provider, caller.TenantId) is not { } point)
        {
            return new Error(503, ErrorCodes.ServiceUnavailable, "This environment's log for your account is not set up yet. Retry shortly.") { RetryAfterSeconds = 5 };
        }

        var ledgerNo = point.LedgerNo;
        // A retry is answered from the stored entry before any rule: the record may have moved on since.
        if (await RecordStore.DuplicateAsync(c, tx, ledgerNo, t.ReferenceId, input.IdempotencyKey, ct) is { } stored)
        {
            return Settle(stored, keyHash, t, input.IdempotencyKey);
        }

        var recordNo = await RecordStore.FindAsync(c, tx, ledgerNo, keyHash, ct);
        var head = recordNo is long no ? await RecordStore.HeadAsync(c, tx, no, ct) : null;
        if (Refusal(head, t) is { } refused)
        {
            return refused;
        }

        if (await MissingAsync(c, tx, ledgerNo, keyHash, head, t, ct) is { } missing)
        {
            return missing;
        }

        var logIndex = point.NextIndex;
        // Entries are appended in time order: never earlier than the log's last append.
        var recordedAt = Math.Max(time.GetUtcNow().ToUnixTimeMilliseconds(), point.AppendedAt);
        recordNo ??= await RecordStore.AddAsync(c, tx, ledgerNo, keyHash, input.RecordType, input.EntityId, logIndex, recordedAt, ct);
        var seq = head is null ? 0 : head.Seq + 1;
        var row = new RecordEntryRow
        {
            LedgerNo = ledgerNo, LogIndex = logIndex, RecordNo = recordNo.Value, Seq = seq, PrevIndex = head?.LogIndex, Lifecycle = (int)t.Lifecycle,
            RecordedAt = recordedAt, Content = System.Text.Encoding.UTF8.GetString(t.CanonicalContent), ReferenceId = t.ReferenceId,
            IdempotencyKey = input.IdempotencyKey, RecordType = input.RecordType, EntityId = input.EntityId, RecordKey = keyHash,
        };
        row.ContentHash = new RecordContent(caller.TenantId, env, input.RecordType, input.EntityId, seq, t.Lifecycle, t.Content).ContentHash();
        await RecordStore.InsertAsync(c, tx, row, ct);
        await DeltaStore.MarkAsync(c, tx, ledgerNo, recordedAt, logIndex);
        await TenantLedgerStore.AppendedRecordAsync(c, tx, ledgerNo, logIndex + 1, recordedAt);
        await write.CommitAsync(ct);
        return RecordViews.Emitted(row, ids.EntryReceiptId(ledgerNo, logIndex));
    }

    /// <summary>Whether the record, as its last entry leaves it, takes this transition.</summary>
    private static Error? Refusal(RecordEntryRow? head, NewTransition t)
    {
        if (head is null)
        {
            return t.Lifecycle == RecordLifecycle.Recorded
                ? null
                : RecordErrors.Of(RecordErrors.GenesisMismatch, new ErrorDetail("lifecycle",
                    $"the record has no entry yet, so its first must be recorded, not {RecordLifecycles.Name(t.Lifecycle)}"));
        }

        if (head.Stage == RecordLifecycle.Closed)
        {
            return RecordErrors.Of(RecordErrors.Closed, new ErrorDetail("lifecycle", $"the record was closed by its entry seq {head.Seq}"));
        }

        return t.Lifecycle == RecordLifecycle.Recorded
            ? RecordErrors.Of(RecordErrors.GenesisMismatch, new ErrorDetail("lifecycle",
                $"the record is already open ({head.Seq + 1} entries); use amended or closed"))
            : null;
    }

    /// <summary>The entries <c>amends</c> and <c>references</c> name that the caller's log does not hold (one 404 naming each).</summary>
    private static async Task<Error?> MissingAsync(DbConnection c, DbTransaction tx, long ledgerNo, byte[] keyHash, RecordEntryRow? head, NewTransition t,
        CancellationToken ct)
    {
        var problems = new List<ErrorDetail>();
        if (t.Amends is { } amends && amends.Seq > head!.Seq)
        {
            problems.Add(new ErrorDetail("content.amends.seq", $"the record has no entry {amends.Seq} (its last is {head.Seq})"));
        }

        if (t.References.Count > 0)
        {
            var last = await RecordStore.LastSeqsAsync(c, tx, ledgerNo, t.References.Select(r => r.KeyHash).ToList(), ct);
            for (var i = 0; i < t.References.Count; i++)
            {
                var r = t.References[i];
                // This record's own entries count as they stand before this one is appended.
                long? reached = r.KeyHash.AsSpan().SequenceEqual(keyHash) ? head?.Seq : last.TryGetValue(Hex.Encode(r.KeyHash), out var s) ? s : null;
                if (reached is null)
                {
                    problems.Add(new ErrorDetail($"content.references[{i}].recordKey", "names no record of your account in this environment"));
                }
                else if (r.Seq > reached)
                {
                    problems.Add(new ErrorDetail($"content.references[{i}].seq", $"the record has no entry {r.Seq} (its last is {reached})"));
                }
            }
        }

        return problems.Count == 0 ? null : RecordErrors.Of(RecordErrors.EntryNotFound, [.. problems]);
    }

    /// <summary>The same transition again answers what the first was answered; another one under the same key is a reuse.</summary>
    private Result<RecordViews.EmitView> Settle(RecordEntryRow stored, byte[] keyHash, NewTransition t, string? idempotencyKey)
    {
        if (stored.RecordKey.AsSpan().SequenceEqual(keyHash) && stored.Stage == t.Lifecycle && stored.Content == System.Text.Encoding.UTF8.GetString(t.CanonicalContent)
            && stored.ReferenceId == t.ReferenceId)
        {
            return RecordViews.Emitted(stored, ids.EntryReceiptId(stored.LedgerNo, stored.LogIndex));
        }

        var byKey = idempotencyKey is not null && stored.IdempotencyKey == idempotencyKey;
        return new Error(409, ErrorCodes.IdempotencyKeyReused, byKey
            ? "This Idempotency-Key was already used with a different transition. Use a new key for a new transition."
            : "This referenceId was already used with a different transition. Use a new referenceId for a new transition.")
        {
            Details = [new ErrorDetail(byKey ? "Idempotency-Key" : "referenceId",
                $"already used for entry {stored.Seq} of {stored.RecordType}/{stored.EntityId} (receipt {ids.EntryReceiptId(stored.LedgerNo, stored.LogIndex)})")],
        };
    }
}
