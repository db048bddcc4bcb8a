using System.Data.Common;
using Dapper;
using PacSpace.Hosting.Data;
using PacSpace.Ledger;

namespace PacSpace.Plane.Log;

/// <summary>
/// Owner of <c>log_tiles</c>: one tenant's log tiles, read for proofs and restores (verify, checkpoints), extended by
/// the sequencer. Tiles the sequencer extends are kept in memory until <see cref="FlushAsync"/> writes them.
/// </summary>
internal sealed class TileStore(DbConnection connection, DbTransaction? tx, string tenantId) : ITileStore
{
    private static readonly string[] FlushColumns = ["tenantId", "level", "idx", "hashes"];

    // Right-edge tiles being extended this round, each in a buffer as large as a full tile: an append copies one hash, not the tile.
    private readonly Dictionary<(int TileLevel, long TileIndex), (byte[] Buffer, int Length)> _dirty = [];

    /// <summary>The log's hashes read through its tiles (complete subtrees below a committed head never change).</summary>
    public static MerkleTree.PerfectSubtree Reader(DbConnection connection, string tenantId) => Tiles.Reader(new TileStore(connection, null, tenantId));

    public byte[]? Read(int tileLevel, long tileIndex) =>
        _dirty.TryGetValue((tileLevel, tileIndex), out var pending)
            ? pending.Buffer.AsSpan(0, pending.Length).ToArray()
            : connection.QuerySingleOrDefault<byte[]>(
                "SELECT hashes FROM log_tiles WHERE tenant_id = @tenantId AND level = @tileLevel AND idx = @tileIndex",
                new { tenantId, tileLevel, tileIndex }, tx);

    public void Add(IReadOnlyList<TreeNode> nodes)
    {
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
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

    /// <summary>The extended tiles as columns of <c>log_tiles</c> (level, index, hashes), for a statement that writes them itself.</summary>
    public (int[] Levels, long[] Indexes, byte[][] Hashes) Extended()
    {
        var levels = new int[_dirty.Count];
        var indexes = new long[_dirty.Count];
        var hashes = new byte[_dirty.Count][];
        var i = 0;
        foreach (var ((level, index), (buffer, length)) in _dirty)
        {
            (levels[i], indexes[i], hashes[i]) = (level, index, buffer.AsSpan(0, length).ToArray());
            i++;
        }

        return (levels, indexes, hashes);
    }

    /// <summary>Writes the extended tiles, in the given write transaction.</summary>
    public Task FlushAsync(DbConnection target, DbTransaction targetTx, CancellationToken ct) => Database.ExecuteEachAsync(target, targetTx,
        """
        INSERT INTO log_tiles (tenant_id, level, idx, hashes) VALUES (@tenantId, @level, @idx, @hashes)
        ON CONFLICT (tenant_id, level, idx) DO UPDATE SET hashes = excluded.hashes
        """, FlushColumns, _dirty.Select(d => new object?[] { tenantId, d.Key.TileLevel, d.Key.TileIndex, d.Value.Buffer.AsSpan(0, d.Value.Length).ToArray() }).ToList(), ct);
}
