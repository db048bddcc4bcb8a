using System.Data.Common;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Secrets;
using PacSpace.Hosting.Errors;
using PacSpace.Ledger;
using PacSpace.Plane.Features.Deltas;
using PacSpace.Plane.Features.Records;
using PacSpace.Plane.Features.Scopes;
using PacSpace.Plane.Log;

using PacSpace.Plane.Features.Webhooks;

namespace PacSpace.Plane.Features.Checkpoints;

/// <summary>
/// Closes a window of a tenant's log: <c>toSize</c> = entries recorded before the window's end (or before now, for a
/// window still open), the root at that size from the tiles (the <c>proofRoot</c>), a checkpoint note for that size
/// signed with the log key (a prefix of the same log, so consistent with every head the sequencer signs), the
/// customers' closing balances as a Merkle tree, a signed period statement, and the consistency proof from the
/// log's size at the window's start. Asking again for the same window answers the stored checkpoint while the
/// log has nothing new in the window; the unique index settles concurrent requests.
/// </summary>
internal sealed partial class PeriodCheckpoints(Database db, EntryIds ids, AtRestEncryption secrets, TimeProvider time, WebhookSignal webhooks, ILogger<PeriodCheckpoints> logger)
{
    public const string CheckpointEmpty = "CHECKPOINT_EMPTY";

    /// <summary>
    /// The checkpoint of the window the fields give (default: the current UTC month; no starting point), closed now if
    /// none exists yet. <paramref name="problems"/> are the caller's other problems, reported with the scope's. With a
    /// <paramref name="customerId"/>, a window is not closed for a customer it would hold no balance for: that request is
    /// refused (<c>CUSTOMER_NOT_FOUND</c>) before anything is written.
    /// </summary>
    public async Task<Result<(CheckpointRow Row, bool Created)>> GetOrCreateAsync(string tenantId, ScopeFields fields, IReadOnlyList<ErrorDetail> problems,
        string? customerId, CancellationToken ct)
    {
        var scope = ScopeRules.Resolve(fields, allowStartingPoint: false, defaultWindow: true, time.GetUtcNow(), [.. problems]);
        return scope.IsSuccess ? await GetOrCreateAsync(tenantId, scope.Value.Window!, customerId, ct) : scope.Error!;
    }

    public async Task<Result<(CheckpointRow Row, bool Created)>> GetOrCreateAsync(string tenantId, Window window, string? customerId, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var closedAt = Math.Min(window.EndMs, now);
        await using var connection = await db.OpenAsync(ct);
        var log = await TenantLedgerStore.ScopeAsync(connection, ids, tenantId, ct);
        var toSize = await DeltaStore.SizeBeforeAsync(connection, log, closedAt, ct);
        if (toSize == 0)
        {
            return new Error(409, CheckpointEmpty,
                $"Nothing was recorded in this environment's log before {PeriodStatement.Time(DateTimeOffset.FromUnixTimeMilliseconds(closedAt))}, so there is no root to fix yet. Emit a delta, wait until it is VERIFIED, then ask again.");
        }

        var existing = await CheckpointStore.FindAsync(connection, tenantId, window.StartMs, window.EndMs, toSize, ct);
        if (existing is not null)
        {
            return (existing, false);
        }

        // The same test as the checkpoint's balance leaves: the customer's last VERIFIED entry below toSize.
        if (customerId is not null && await DeltaStore.BeforeIndexAsync(connection, log, customerId, toSize, ct) is null)
        {
            return CustomerView.NotFound(window.Period);
        }

        var fromSize = Math.Min(await DeltaStore.SizeBeforeAsync(connection, log, window.StartMs, ct), toSize);
        var ledger = await TenantLedgerStore.SigningKeyAsync(connection, secrets, tenantId, ct);

        // Complete subtrees below the committed head never change, so the tiles can be read outside the sequencer's transaction.
        var hashes = TileStore.Reader(connection, tenantId);
        var root = MerkleTree.Root(toSize, hashes);
        var prevRoot = fromSize == 0 ? MerkleTree.EmptyRoot() : MerkleTree.Root(fromSize, hashes);
        var consistency = fromSize is 0 || fromSize == toSize ? [] : MerkleTree.ConsistencyProof(fromSize, toSize, hashes);

        var leaves = BalanceLeaf.Order(await DeltaStore.ClosingBalancesAsync(connection, log, toSize, ct));
        var netChange = await DeltaStore.NetChangeAsync(connection, log, fromSize, toSize, ct);
        // The window's entries are deltas and record entries (Records API); the statement counts the deltas.
        var deltaCount = toSize - fromSize - await RecordStore.CountInRangeAsync(connection, log.LedgerNo, fromSize, toSize, ct);

        var statement = new PeriodStatement(ledger.Origin, window.Period, window.Start, window.End, fromSize, toSize, root, prevRoot,
            BalanceLeaf.Root(leaves), leaves.Count, deltaCount, netChange, DateTimeOffset.FromUnixTimeMilliseconds(closedAt));
        using var key = LogSigningKey.Import(Convert.FromBase64String(ledger.PrivateKey));
        var row = new CheckpointRow
        {
            CheckpointId = Ids.New("chk", time),
            TenantId = tenantId,
            Period = window.Period,
            TimePreset = window.Preset,
            WindowStart = window.StartMs,
            WindowEnd = window.EndMs,
            FromSize = fromSize,
            ToSize = toSize,
            ProofRoot = Hex.Encode(root),
            PrevRoot = Hex.Encode(prevRoot),
            BalancesRoot = Hex.Encode(statement.BalancesRoot),
            CustomerCount = leaves.Count,
            DeltaCount = deltaCount,
            NetChange = netChange,
            ClosedAt = closedAt,
            CreatedAt = now,
            Note = SignedNote.Sign(new Ledger.Checkpoint(ledger.Origin, toSize, root).ToNoteBody(), ledger.KeyName, key),
            Statement = System.Text.Encoding.UTF8.GetString(statement.ToJson()),
            Signature = Convert.ToBase64String(statement.Sign(key)),
            Consistency = JsonSerializer.Serialize(consistency.Select(h => Hex.Encode(h))),
        };

        await using var tx = await connection.BeginTransactionAsync(ct);
        try
        {
            await CheckpointStore.InsertAsync(connection, tx, row, leaves, ct);
            // checkpoint.verified: written with the checkpoint, or not at all.
            await WebhookOutbox.CheckpointVerifiedAsync(connection, tx, tenantId, row.CheckpointId, now, time, ct);
            await tx.CommitAsync(ct);
        }
        catch (DbException ex) when (Database.IsUniqueViolation(ex))
        {
            // The same window was closed by a concurrent request: answer that one.
            await tx.RollbackAsync(ct);
            return (await CheckpointStore.FindAsync(connection, tenantId, window.StartMs, window.EndMs, toSize, ct)
                ?? throw new InvalidOperationException("Checkpoint conflict without a stored row."), false);
        }

        webhooks.Wake();
        LogCreated(row.CheckpointId, tenantId, row.Period, toSize);
        return (row, true);
    }

    /// <summary>A customer's closing-balance leaf in a checkpoint and its inclusion proof in <c>balancesRoot</c>; null when the customer has no entry before it.</summary>
    public static async Task<BalanceProof?> BalanceProofAsync(DbConnection c, CheckpointRow checkpoint, string customerId, CancellationToken ct)
    {
        var ordered = await CheckpointStore.LeavesAsync(c, checkpoint.CheckpointId, ct);
        var mine = ordered.FindIndex(l => l.CustomerId == customerId);
        if (mine < 0)
        {
            return null;
        }

        var proof = MerkleTree.InclusionProof(ordered.Select(l => l.LeafHash()).ToList(), mine);
        var leaf = ordered[mine];
        return new BalanceProof(checkpoint.BalancesRoot, Hex.Encode(leaf.Encode()), mine, ordered.Count, proof.Select(h => Hex.Encode(h)).ToList(),
            leaf.LastCustomerSeq, leaf.LastIndex, (long)leaf.ClosingBalance);
    }

    [LoggerMessage(EventId = 520, Level = LogLevel.Information, Message = "Checkpoint {CheckpointId} closed {Period} of {TenantId}'s log at size {ToSize}")]
    private partial void LogCreated(string checkpointId, string tenantId, string period, long toSize);
}
