namespace PacSpace.Ledger;

/// <summary>Where a tile's hashes live: the caller's database, or memory in tests.</summary>
public interface ITileStore
{
    /// <summary>The tile's hashes concatenated (32 bytes each, at most 256), or <see langword="null"/> when it does not exist.</summary>
    byte[]? Read(int tileLevel, long tileIndex);
}

/// <summary>
/// Interior hashes stored as tiles, C2SP tlog-tiles layout: tile (L, N) holds the hashes of tree level 8·L at
/// indexes 256·N … 256·N+255; the right-edge tile is partial and grows. A node on a level between two tile
/// levels is recomputed from at most 128 hashes of the tile below it, so any proof is a few small reads.
/// </summary>
public static class Tiles
{
    /// <summary>Tree levels covered by one tile.</summary>
    public const int Height = 8;

    /// <summary>Hashes in a full tile.</summary>
    public const int Width = 1 << Height;

    /// <summary>Complete-subtree hashes read from tiles, for <see cref="MerkleTree"/>'s proof builders.</summary>
    /// <exception cref="InvalidOperationException">A needed tile is missing or too short (the store is behind the tree size asked for).</exception>
    public static MerkleTree.PerfectSubtree Reader(ITileStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var cache = new Dictionary<(int, long), byte[]>();
        return (level, index) =>
        {
            var tileLevel = level / Height;
            var below = level % Height; // levels above the tile's base level
            var first = index << below; // index of the first base-level hash under the node
            var tileIndex = first / Width;
            var offset = (int)(first % Width);
            var count = 1 << below;
            if (!cache.TryGetValue((tileLevel, tileIndex), out var tile))
            {
                tile = store.Read(tileLevel, tileIndex) ?? throw new InvalidOperationException($"Tile {tileLevel}/{tileIndex} is missing.");
                cache[(tileLevel, tileIndex)] = tile;
            }

            if (tile.Length < (offset + count) * MerkleTree.HashSize)
            {
                throw new InvalidOperationException($"Tile {tileLevel}/{tileIndex} holds {tile.Length / MerkleTree.HashSize} hashes; {offset + count} needed.");
            }

            return Fold(tile.AsSpan(offset * MerkleTree.HashSize, count * MerkleTree.HashSize));
        };
    }

    /// <summary>The tile a node is stored in, or <see langword="null"/> when its level is recomputed instead of stored.</summary>
    public static (int TileLevel, long TileIndex)? TileOf(TreeNode node) =>
        node.Level % Height == 0 ? (node.Level / Height, node.Index / Width) : null;

    /// <summary>The tile grown by one node; the node must come right after the tile's last hash.</summary>
    /// <exception cref="InvalidOperationException">The node does not extend the tile (a gap or a rewrite).</exception>
    public static byte[] Extend(byte[]? tile, TreeNode node)
    {
        tile ??= [];
        var offset = (int)(node.Index % Width) * MerkleTree.HashSize;
        if (tile.Length != offset)
        {
            throw new InvalidOperationException($"The tile holds {tile.Length / MerkleTree.HashSize} hashes; node {node.Index} of level {node.Level} does not extend it.");
        }

        var grown = new byte[offset + MerkleTree.HashSize];
        tile.CopyTo(grown, 0);
        node.Hash.CopyTo(grown, offset);
        return grown;
    }

    // Root of a complete run of 2^k hashes laid end to end.
    private static byte[] Fold(ReadOnlySpan<byte> hashes)
    {
        var n = hashes.Length / MerkleTree.HashSize;
        if (n == 1)
        {
            return hashes.ToArray();
        }

        var half = n / 2 * MerkleTree.HashSize;
        return MerkleTree.HashChildren(Fold(hashes[..half]), Fold(hashes[half..]));
    }
}

/// <summary>A node hash that an append produced, for the caller to store when its level is a tile level.</summary>
/// <param name="Level">Tree level (0 = leaf hashes).</param>
/// <param name="Index">Index of the node within its level.</param>
/// <param name="Hash">The 32-byte hash.</param>
public readonly record struct TreeNode(int Level, long Index, byte[] Hash);

/// <summary>
/// The right edge of an append-only RFC 6962 tree (one complete-subtree hash per set bit of the size), so
/// appending costs one leaf hash plus about one node hash, and the root is O(log n) at any time.
/// </summary>
public sealed class CompactRange
{
    private readonly List<byte[]> _edge = []; // complete subtrees, largest (leftmost) first

    private CompactRange(long size) => Size = size;

    /// <summary>Number of leaves appended so far.</summary>
    public long Size { get; private set; }

    /// <summary>An empty tree.</summary>
    public static CompactRange Empty() => new(0);

    /// <summary>Rebuilds the right edge of a tree of <paramref name="size"/> leaves from stored hashes.</summary>
    public static CompactRange Restore(long size, MerkleTree.PerfectSubtree hashes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentNullException.ThrowIfNull(hashes);
        var range = new CompactRange(size);
        long start = 0;
        for (var level = 62; level >= 0; level--)
        {
            if ((size & (1L << level)) != 0)
            {
                range._edge.Add(hashes(level, start >> level));
                start += 1L << level;
            }
        }

        return range;
    }

    /// <summary>An independent copy (hashes are never changed in place, so they are shared).</summary>
    public CompactRange Copy()
    {
        var copy = new CompactRange(Size);
        copy._edge.AddRange(_edge);
        return copy;
    }

    /// <summary>Appends one leaf hash; returns every node completed by it, the leaf itself first.</summary>
    public IReadOnlyList<TreeNode> Append(byte[] leafHash)
    {
        var created = new List<TreeNode>();
        Append(leafHash, created);
        return created;
    }

    /// <summary>Appends one leaf hash and adds every node completed by it to <paramref name="created"/>, the leaf itself first.</summary>
    public void Append(byte[] leafHash, List<TreeNode> created)
    {
        if (leafHash is not { Length: MerkleTree.HashSize })
        {
            throw new ArgumentException($"A leaf hash is {MerkleTree.HashSize} bytes.", nameof(leafHash));
        }

        created.Add(new(0, Size, leafHash));
        var hash = leafHash;
        var level = 0;
        var index = Size;
        // Each trailing one bit of the old size is a complete subtree of the same height waiting for a sibling.
        while (((Size >> level) & 1) == 1)
        {
            var left = _edge[^1];
            _edge.RemoveAt(_edge.Count - 1);
            hash = MerkleTree.HashChildren(left, hash);
            level++;
            index >>= 1;
            created.Add(new TreeNode(level, index, hash));
        }

        _edge.Add(hash);
        Size++;
    }

    /// <summary>MTH of the tree so far.</summary>
    public byte[] Root()
    {
        if (_edge.Count == 0)
        {
            return MerkleTree.EmptyRoot();
        }

        var root = _edge[^1];
        for (var i = _edge.Count - 2; i >= 0; i--)
        {
            root = MerkleTree.HashChildren(_edge[i], root);
        }

        return root;
    }
}

/// <summary>Tiles kept in memory: for tests and for verifiers that rebuild a whole log.</summary>
public sealed class MemoryTileStore : ITileStore
{
    private readonly Dictionary<(int, long), byte[]> _tiles = [];

    /// <inheritdoc />
    public byte[]? Read(int tileLevel, long tileIndex) => _tiles.GetValueOrDefault((tileLevel, tileIndex));

    /// <summary>Number of tiles held.</summary>
    public int Count => _tiles.Count;

    /// <summary>Stores the nodes of an append that fall on tile levels (the others are recomputed when needed).</summary>
    public void Write(IEnumerable<TreeNode> nodes)
    {
        foreach (var node in nodes)
        {
            if (Tiles.TileOf(node) is { } key)
            {
                _tiles[key] = Tiles.Extend(_tiles.GetValueOrDefault(key), node);
            }
        }
    }
}
