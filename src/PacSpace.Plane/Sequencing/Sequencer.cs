using System.Collections.Concurrent;
using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PacSpace.Plane.Features.Deltas;
using PacSpace.Hosting.Data;
using PacSpace.Ledger;

namespace PacSpace.Plane.Sequencing;

/// <summary>
/// Appends committed deltas to their tenant's log. Each round, for each log with queued deltas whose lease it
/// holds: gives every delta its index, customer sequence, previous index and running balance, extends the
/// tiles, signs the new head, and marks the deltas VERIFIED — in one transaction, so a signed head and the
/// tiles it commits to can never disagree. The head update is conditional on the lease and the previous size:
/// a replica that lost its lease cannot write a second, inconsistent head.
/// </summary>
internal sealed partial class Sequencer(Database db, IOptions<PlaneOptions> options, TimeProvider time, ILogger<Sequencer> logger) : BackgroundService
{
    private static readonly string[] UpdateColumns = ["index", "seq", "prev", "balance", "recordedAt", "size", "record_id"];

    private static readonly string[] CustomerColumns = ["tenantId", "customer_id", "last_seq", "last_index", "balance", "first_at", "last_at"];

    private readonly string _owner = "seq_" + Guid.NewGuid().ToString("N")[..12];

    // Each log's right edge after this replica's last committed round: no restore from the tiles while it stays valid.
    private readonly ConcurrentDictionary<string, CompactRange> _edges = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RoundAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogRoundFailed(ex);
            }

            try
            {
                await Task.Delay(o.SequencerInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>One pass over every log with queued deltas whose lease this replica holds or can take.</summary>
    public async Task RoundAsync(CancellationToken ct)
    {
        List<string> tenants;
        await using (var connection = await db.OpenAsync(ct))
        {
            tenants = (await connection.QueryAsync<string>(new CommandDefinition(
                "SELECT DISTINCT tenant_id FROM deltas WHERE status = 'QUEUED'", cancellationToken: ct))).ToList();
        }

        foreach (var tenant in tenants)
        {
            if (await AcquireLeaseAsync(tenant, ct))
            {
                while (await SequenceAsync(tenant, ct) == options.Value.SequencerBatch)
                {
                    // A full batch: more are waiting.
                }
            }
        }
    }

    private async Task<bool> AcquireLeaseAsync(string tenantId, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var write = await db.BeginWriteAsync(ct);
        var taken = await write.Connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE tenant_ledgers SET lease_owner = @owner, lease_until = @until
            WHERE tenant_id = @tenantId AND (lease_owner IS NULL OR lease_owner = @owner OR lease_until < @now)
            """, new { owner = _owner, until = now + (long)options.Value.SequencerLease.TotalMilliseconds, tenantId, now }, write.Transaction, cancellationToken: ct)) == 1;
        await write.CommitAsync(ct);
        return taken;
    }

    private async Task<int> SequenceAsync(string tenantId, CancellationToken ct)
    {
        // Reads and hashing first, outside the write transaction: on SQLite the write transaction holds the one
        // writer's place and the group commit waits for it. Only this log's sequencer (the lease holder) changes
        // what is read here, and the head update below is conditional on the size read, so a stale read can only
        // roll the round back, never write an inconsistent head.
        LedgerRow ledger;
        List<QueuedRow> queued;
        CompactRange range;
        Dictionary<string, CustomerRow> customers;
        TileWriter tiles;
        long recordedAt;
        await using (var connection = await db.OpenAsync(ct))
        {
            ledger = await connection.QuerySingleAsync<LedgerRow>(new CommandDefinition(
                "SELECT origin, key_name, private_key, tree_size, signed_at FROM tenant_ledgers WHERE tenant_id = @tenantId",
                new { tenantId }, cancellationToken: ct));
            queued = (await connection.QueryAsync<QueuedRow>(new CommandDefinition(
                $"""
                SELECT record_id, customer_id, amount, content_hash FROM deltas
                WHERE status = 'QUEUED' AND tenant_id = @tenantId ORDER BY record_id LIMIT {options.Value.SequencerBatch}
                """, new { tenantId }, cancellationToken: ct))).ToList();
            if (queued.Count == 0)
            {
                return 0;
            }

            tiles = new TileWriter(connection, null, tenantId);
            // The right edge kept from this replica's last round is the tree's as long as the size has not moved since.
            range = _edges.TryGetValue(tenantId, out var kept) && kept.Size == ledger.tree_size
                ? kept.Copy()
                : CompactRange.Restore(ledger.tree_size, Tiles.Reader(tiles));
            customers = await LoadCustomersAsync(connection, tenantId, queued.Select(q => q.customer_id).Distinct().ToList(), ct);

            // Entries are appended in time order: never earlier than the last signed head.
            recordedAt = Math.Max(time.GetUtcNow().ToUnixTimeMilliseconds(), ledger.signed_at ?? 0);
            foreach (var delta in queued)
            {
                var index = range.Size;
                var chain = customers.TryGetValue(delta.customer_id, out var c) ? c : new CustomerRow { customer_id = delta.customer_id, first_at = recordedAt };
                var balance = checked(chain.balance + delta.amount);
                var entry = new LeafEntry(recordedAt, chain.last_seq + 1, chain.last_seq == 0 ? null : chain.last_index, balance, Convert.FromHexString(delta.content_hash));
                // Reads the right-edge tiles it extends, while this connection is open.
                tiles.Add(range.Append(entry.LeafHash()));
                delta.index = index;
                delta.seq = entry.CustomerSeq;
                delta.prev = entry.PrevCustomerIndex;
                delta.balance = balance;
                chain.last_seq = entry.CustomerSeq;
                chain.last_index = index;
                chain.balance = balance;
                chain.last_at = recordedAt;
                customers[delta.customer_id] = chain;
            }
        }

        var size = ledger.tree_size + queued.Count;
        var root = range.Root();
        string checkpoint;
        using (var key = LogSigningKey.Import(Convert.FromBase64String(ledger.private_key)))
        {
            checkpoint = SignedNote.Sign(new Checkpoint(ledger.origin, size, root).ToNoteBody(), ledger.key_name, key);
        }

        await using var write = await db.BeginWriteAsync(ct);
        var (writer, tx) = (write.Connection, write.Transaction);
        await Database.ExecuteEachAsync(writer, tx,
            """
            UPDATE deltas SET status = 'VERIFIED', log_index = @index, customer_seq = @seq, prev_index = @prev, balance_after = @balance,
                              recorded_at = @recordedAt, verified_at = @recordedAt, head_size = @size
            WHERE record_id = @record_id
            """, UpdateColumns, queued.Select(d => new object?[] { d.index, d.seq, d.prev, d.balance, recordedAt, size, d.record_id }).ToList(), ct);
        await Database.ExecuteEachAsync(writer, tx,
            """
            INSERT INTO log_customers (tenant_id, customer_id, last_seq, last_index, balance, first_at, last_at)
            VALUES (@tenantId, @customer_id, @last_seq, @last_index, @balance, @first_at, @last_at)
            ON CONFLICT (tenant_id, customer_id) DO UPDATE SET last_seq = excluded.last_seq, last_index = excluded.last_index,
                balance = excluded.balance, last_at = excluded.last_at
            """, CustomerColumns, customers.Values.Select(c => new object?[] { tenantId, c.customer_id, c.last_seq, c.last_index, c.balance, c.first_at, c.last_at }).ToList(), ct);
        await tiles.FlushAsync(writer, tx, ct);
        var headWritten = await writer.ExecuteAsync(new CommandDefinition(
            """
            UPDATE tenant_ledgers SET tree_size = @size, root_hash = @root, checkpoint = @checkpoint, signed_at = @recordedAt
            WHERE tenant_id = @tenantId AND lease_owner = @owner AND tree_size = @previous
            """, new { size, root = Hex.Encode(root), checkpoint, recordedAt, tenantId, owner = _owner, previous = ledger.tree_size }, tx, cancellationToken: ct));
        if (headWritten != 1)
        {
            // Lease lost or another sequencer moved the log: nothing of this round is kept.
            await write.RollbackAsync(ct);
            _edges.TryRemove(tenantId, out _);
            LogLeaseLost(tenantId);
            return 0;
        }

        try
        {
            await write.CommitAsync(ct);
        }
        catch
        {
            _edges.TryRemove(tenantId, out _);
            throw;
        }

        _edges[tenantId] = range;
        return queued.Count;
    }

    private async Task<Dictionary<string, CustomerRow>> LoadCustomersAsync(DbConnection connection, string tenantId, List<string> ids, CancellationToken ct)
    {
        // Dapper expands a list for SQLite and passes an array to PostgreSQL, which needs ANY rather than IN.
        var match = db.Provider == DbProvider.Postgres ? "= ANY(@chunk)" : "IN @chunk";
        var rows = new Dictionary<string, CustomerRow>(StringComparer.Ordinal);
        foreach (var chunk in ids.Chunk(500))
        {
            var found = await connection.QueryAsync<CustomerRow>(new CommandDefinition(
                $"SELECT customer_id, last_seq, last_index, balance, first_at, last_at FROM log_customers WHERE tenant_id = @tenantId AND customer_id {match}",
                new { tenantId, chunk }, cancellationToken: ct));
            foreach (var row in found)
            {
                rows[row.customer_id] = row;
            }
        }

        return rows;
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Error, Message = "Sequencer round failed; it is retried on the next round")]
    private partial void LogRoundFailed(Exception ex);

    [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "Sequencer lost the lease of {TenantId}'s log; its round was rolled back")]
    private partial void LogLeaseLost(string tenantId);

    private sealed class LedgerRow
    {
        public string origin { get; set; } = "";

        public string key_name { get; set; } = "";

        public string private_key { get; set; } = "";

        public long tree_size { get; set; }

        public long? signed_at { get; set; }
    }

    private sealed class QueuedRow
    {
        public string record_id { get; set; } = "";

        public string customer_id { get; set; } = "";

        public long amount { get; set; }

        public string content_hash { get; set; } = "";

        // Assigned by the round.
        public long index;
        public long seq;
        public long? prev;
        public long balance;
    }

    private sealed class CustomerRow
    {
        public string customer_id { get; set; } = "";

        public long last_seq { get; set; }

        public long last_index { get; set; }

        public long balance { get; set; }

        public long first_at { get; set; }

        public long last_at { get; set; }
    }
}

/// <summary>The log's tiles in the plane database: read for proofs and restores, extended by the sequencer.</summary>
internal sealed class TileWriter(DbConnection connection, DbTransaction? tx, string tenantId) : ITileStore
{
    private static readonly string[] FlushColumns = ["tenantId", "level", "idx", "hashes"];

    // Right-edge tiles being extended this round, each in a buffer as large as a full tile: an append copies one hash, not the tile.
    private readonly Dictionary<(int TileLevel, long TileIndex), (byte[] Buffer, int Length)> _dirty = [];

    public byte[]? Read(int tileLevel, long tileIndex) =>
        _dirty.TryGetValue((tileLevel, tileIndex), out var pending)
            ? pending.Buffer.AsSpan(0, pending.Length).ToArray()
            : connection.QuerySingleOrDefault<byte[]>(
                "SELECT hashes FROM log_tiles WHERE tenant_id = @tenantId AND level = @tileLevel AND idx = @tileIndex",
                new { tenantId, tileLevel, tileIndex }, tx);

    public void Add(IEnumerable<TreeNode> nodes)
    {
        foreach (var node in nodes)
        {
            if (Tiles.TileOf(node) is not { } key)
            {
                continue;
            }

            if (!_dirty.TryGetValue(key, out var tile))
            {
                var stored = Read(key.TileLevel, key.TileIndex) ?? [];
                tile = (new byte[Tiles.Width * MerkleTree.HashSize], stored.Length);
                stored.CopyTo(tile.Buffer, 0);
            }

            var offset = (int)(node.Index % Tiles.Width) * MerkleTree.HashSize;
            if (tile.Length != offset)
            {
                throw new InvalidOperationException($"The tile holds {tile.Length / MerkleTree.HashSize} hashes; node {node.Index} of level {node.Level} does not extend it.");
            }

            node.Hash.CopyTo(tile.Buffer, offset);
            _dirty[key] = (tile.Buffer, offset + MerkleTree.HashSize);
        }
    }

    /// <summary>Writes the extended tiles, in the given write transaction.</summary>
    public Task FlushAsync(DbConnection target, DbTransaction targetTx, CancellationToken ct) => Database.ExecuteEachAsync(target, targetTx,
        """
        INSERT INTO log_tiles (tenant_id, level, idx, hashes) VALUES (@tenantId, @level, @idx, @hashes)
        ON CONFLICT (tenant_id, level, idx) DO UPDATE SET hashes = excluded.hashes
        """, FlushColumns, _dirty.Select(d => new object?[] { tenantId, d.Key.TileLevel, d.Key.TileIndex, d.Value.Buffer.AsSpan(0, d.Value.Length).ToArray() }).ToList(), ct);
}
