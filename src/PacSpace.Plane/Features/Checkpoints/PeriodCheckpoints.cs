using System.Data.Common;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Logging;
using PacSpace.Plane.Features.Balances;
using PacSpace.Plane.Features.Scopes;
using PacSpace.Plane.Sequencing;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Ledger;

namespace PacSpace.Plane.Features.Checkpoints;

/// <summary>A stored period checkpoint (one row of <c>checkpoints</c>).</summary>
internal sealed class CheckpointRow
{
    public const string Columns =
        "checkpoint_id, tenant_id, period, time_preset, window_start, window_end, from_size, to_size, proof_root, prev_root, balances_root, " +
        "customer_count, delta_count, net_change, closed_at, created_at, note, statement, signature, consistency";

    public string checkpoint_id { get; set; } = "";

    public string tenant_id { get; set; } = "";

    public string period { get; set; } = "";

    public string? time_preset { get; set; }

    public long window_start { get; set; }

    public long window_end { get; set; }

    public long from_size { get; set; }

    public long to_size { get; set; }

    public string proof_root { get; set; } = "";

    public string prev_root { get; set; } = "";

    public string balances_root { get; set; } = "";

    public long customer_count { get; set; }

    public long delta_count { get; set; }

    public long net_change { get; set; }

    public long closed_at { get; set; }

    public long created_at { get; set; }

    public string note { get; set; } = "";

    public string statement { get; set; } = "";

    public string signature { get; set; } = "";

    public string consistency { get; set; } = "";
}

/// <summary>
/// Closes a window of a tenant's log: <c>toSize</c> = entries recorded before the window's end (or before now, for a
/// window still open), the root at that size from the tiles (the <c>proofRoot</c>), a checkpoint note for that size
/// signed with the log key (a prefix of the same log, so consistent with every head the sequencer signs), the
/// customers' closing balances as a Merkle tree, a signed period statement, and the consistency proof from the
/// log's size at the window's start. Asking again for the same window answers the stored checkpoint while the
/// log has nothing new in the window; the unique index settles concurrent requests.
/// </summary>
internal sealed partial class PeriodCheckpoints(Database db, TimeProvider time, ILogger<PeriodCheckpoints> logger)
{
    public const string CheckpointEmpty = "CHECKPOINT_EMPTY";

    public async Task<Result<(CheckpointRow Row, bool Created)>> GetOrCreateAsync(string tenantId, Window window, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var closedAt = Math.Min(window.EndMs, now);
        await using var connection = await db.OpenAsync(ct);
        var toSize = await SizeBeforeAsync(connection, tenantId, closedAt, ct);
        if (toSize == 0)
        {
            return new Error(409, CheckpointEmpty,
                $"Nothing was recorded in this environment's log before {PeriodStatement.Time(DateTimeOffset.FromUnixTimeMilliseconds(closedAt))}, so there is no root to fix yet. Emit a delta, wait until it is VERIFIED, then ask again.");
        }

        var existing = await FindAsync(connection, tenantId, window, toSize, ct);
        if (existing is not null)
        {
            return (existing, false);
        }

        var fromSize = Math.Min(await SizeBeforeAsync(connection, tenantId, window.StartMs, ct), toSize);
        var ledger = await connection.QuerySingleAsync<LedgerKeyRow>(new CommandDefinition(
            "SELECT origin, key_name, private_key FROM tenant_ledgers WHERE tenant_id = @tenantId", new { tenantId }, cancellationToken: ct));

        // Complete subtrees below the committed head never change, so the tiles can be read outside the sequencer's transaction.
        var hashes = Tiles.Reader(new TileWriter(connection, null, tenantId));
        var root = MerkleTree.Root(toSize, hashes);
        var prevRoot = fromSize == 0 ? MerkleTree.EmptyRoot() : MerkleTree.Root(fromSize, hashes);
        var consistency = fromSize is 0 || fromSize == toSize ? [] : MerkleTree.ConsistencyProof(fromSize, toSize, hashes);

        var leaves = BalanceLeaf.Order(await ClosingBalancesAsync(connection, tenantId, toSize, ct));
        var netChange = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT SUM(amount) FROM deltas WHERE tenant_id = @tenantId AND log_index >= @fromSize AND log_index < @toSize",
            new { tenantId, fromSize, toSize }, cancellationToken: ct)) ?? 0;

        var statement = new PeriodStatement(ledger.origin, window.Period, window.Start, window.End, fromSize, toSize, root, prevRoot,
            BalanceLeaf.Root(leaves), leaves.Count, toSize - fromSize, netChange, DateTimeOffset.FromUnixTimeMilliseconds(closedAt));
        using var key = LogSigningKey.Import(Convert.FromBase64String(ledger.private_key));
        var row = new CheckpointRow
        {
            checkpoint_id = Ids.New("chk", time),
            tenant_id = tenantId,
            period = window.Period,
            time_preset = window.Preset,
            window_start = window.StartMs,
            window_end = window.EndMs,
            from_size = fromSize,
            to_size = toSize,
            proof_root = Hex.Encode(root),
            prev_root = Hex.Encode(prevRoot),
            balances_root = Hex.Encode(statement.BalancesRoot),
            customer_count = leaves.Count,
            delta_count = toSize - fromSize,
            net_change = netChange,
            closed_at = closedAt,
            created_at = now,
            note = SignedNote.Sign(new Ledger.Checkpoint(ledger.origin, toSize, root).ToNoteBody(), ledger.key_name, key),
            statement = System.Text.Encoding.UTF8.GetString(statement.ToJson()),
            signature = Convert.ToBase64String(statement.Sign(key)),
            consistency = JsonSerializer.Serialize(consistency.Select(h => Hex.Encode(h))),
        };

        await using var tx = await connection.BeginTransactionAsync(ct);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                $"INSERT INTO checkpoints ({CheckpointRow.Columns}) VALUES ({string.Join(", ", CheckpointRow.Columns.Split(", ").Select(c => "@" + c))})",
                row, tx, cancellationToken: ct));
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO checkpoint_balances (checkpoint_id, position, customer_id, customer_seq, last_index, balance) VALUES (@id, @position, @customer, @seq, @index, @balance)",
                leaves.Select((l, i) => new { id = row.checkpoint_id, position = i, customer = l.CustomerId, seq = l.LastCustomerSeq, index = l.LastIndex, balance = (long)l.ClosingBalance }).ToList(),
                tx, cancellationToken: ct));
            await tx.CommitAsync(ct);
        }
        catch (DbException ex) when (Database.IsUniqueViolation(ex))
        {
            // The same window was closed by a concurrent request: answer that one.
            await tx.RollbackAsync(ct);
            return (await FindAsync(connection, tenantId, window, toSize, ct) ?? throw new InvalidOperationException("Checkpoint conflict without a stored row."), false);
        }

        LogCreated(row.checkpoint_id, tenantId, row.period, toSize);
        return (row, true);
    }

    /// <summary>Number of log entries recorded before <paramref name="timeMs"/> (entries are appended in time order).</summary>
    public static async Task<long> SizeBeforeAsync(DbConnection c, string tenantId, long timeMs, CancellationToken ct) =>
        (await c.ExecuteScalarAsync<long?>(new CommandDefinition(
            // The last entry before the time, by one index seek (MAX would scan every earlier entry).
            "SELECT log_index FROM deltas WHERE tenant_id = @tenantId AND recorded_at < @timeMs ORDER BY recorded_at DESC, log_index DESC LIMIT 1",
            new { tenantId, timeMs }, cancellationToken: ct)) ?? -1) + 1;

    /// <summary>Each customer's last entry below <paramref name="toSize"/>.</summary>
    private static async Task<List<BalanceLeaf>> ClosingBalancesAsync(DbConnection c, string tenantId, long toSize, CancellationToken ct) =>
        (await c.QueryAsync<ClosingRow>(new CommandDefinition(
            """
            SELECT d.customer_id, d.customer_seq, d.log_index, d.balance_after FROM deltas d
            WHERE d.tenant_id = @tenantId AND d.log_index IN (
                SELECT MAX(log_index) FROM deltas WHERE tenant_id = @tenantId AND log_index < @toSize GROUP BY customer_id)
            """, new { tenantId, toSize }, cancellationToken: ct)))
        .Select(r => new BalanceLeaf(r.customer_id, r.customer_seq, r.log_index, r.balance_after)).ToList();

    private static Task<CheckpointRow?> FindAsync(DbConnection c, string tenantId, Window window, long toSize, CancellationToken ct) =>
        c.QueryFirstOrDefaultAsync<CheckpointRow>(new CommandDefinition(
            $"SELECT {CheckpointRow.Columns} FROM checkpoints WHERE tenant_id = @tenantId AND window_start = @start AND window_end = @end AND to_size = @toSize",
            new { tenantId, start = window.StartMs, end = window.EndMs, toSize }, cancellationToken: ct));

    /// <summary>A customer's closing-balance leaf in a checkpoint and its inclusion proof in <c>balancesRoot</c>; null when the customer has no entry before it.</summary>
    public static async Task<BalanceProof?> BalanceProofAsync(DbConnection c, CheckpointRow checkpoint, string customerId, CancellationToken ct)
    {
        var leaves = (await c.QueryAsync<LeafRow>(new CommandDefinition(
            "SELECT position, customer_id, customer_seq, last_index, balance FROM checkpoint_balances WHERE checkpoint_id = @id ORDER BY position",
            new { id = checkpoint.checkpoint_id }, cancellationToken: ct))).ToList();
        var mine = leaves.FindIndex(l => l.customer_id == customerId);
        if (mine < 0)
        {
            return null;
        }

        var ordered = leaves.Select(l => new BalanceLeaf(l.customer_id, l.customer_seq, l.last_index, l.balance)).ToList();
        var proof = MerkleTree.InclusionProof(ordered.Select(l => l.LeafHash()).ToList(), mine);
        var leaf = ordered[mine];
        return new BalanceProof(checkpoint.balances_root, Hex.Encode(leaf.Encode()), mine, ordered.Count, proof.Select(h => Hex.Encode(h)).ToList(),
            leaf.LastCustomerSeq, leaf.LastIndex, (long)leaf.ClosingBalance);
    }

    [LoggerMessage(EventId = 520, Level = LogLevel.Information, Message = "Checkpoint {CheckpointId} closed {Period} of {TenantId}'s log at size {ToSize}")]
    private partial void LogCreated(string checkpointId, string tenantId, string period, long toSize);

    private sealed class LedgerKeyRow
    {
        public string origin { get; set; } = "";

        public string key_name { get; set; } = "";

        public string private_key { get; set; } = "";
    }

    private sealed class ClosingRow
    {
        public string customer_id { get; set; } = "";

        public long customer_seq { get; set; }

        public long log_index { get; set; }

        public long balance_after { get; set; }
    }

    private sealed class LeafRow
    {
        public long position { get; set; }

        public string customer_id { get; set; } = "";

        public long customer_seq { get; set; }

        public long last_index { get; set; }

        public long balance { get; set; }
    }
}

/// <summary>A customer's closing balance in a checkpoint, with what is needed to check it against <c>balancesRoot</c>.</summary>
internal sealed record BalanceProof(
    string BalancesRoot,
    string Leaf,
    long LeafIndex,
    long LeafCount,
    IReadOnlyList<string> Proof,
    long LastCustomerSeq,
    long LastIndex,
    long ClosingBalance);
