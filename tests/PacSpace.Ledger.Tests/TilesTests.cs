using System.Security.Cryptography;
using PacSpace.Ledger;

namespace PacSpace.Ledger.Tests;

/// <summary>Tiles and the compact range against the list-based RFC 6962 code (itself checked against the public vectors).</summary>
public sealed class TilesTests
{
    private static List<byte[]> Leaves(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var entry = new byte[LeafEntry.Size];
            random.NextBytes(entry);
            return MerkleTree.HashLeaf(entry);
        }).ToList();
    }

    private static (MemoryTileStore Store, List<byte[]> Roots) Build(IReadOnlyList<byte[]> leaves)
    {
        var store = new MemoryTileStore();
        var range = CompactRange.Empty();
        var roots = new List<byte[]> { range.Root() };
        foreach (var leaf in leaves)
        {
            store.Write(range.Append(leaf));
            roots.Add(range.Root());
        }

        return (store, roots);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(255, 2)]
    [InlineData(256, 3)]
    [InlineData(257, 4)]
    [InlineData(1000, 5)]
    [InlineData(65_536 + 300, 6)]
    public void CompactRange_EverySize_RootEqualsListRoot(int count, int seed)
    {
        var leaves = Leaves(count, seed);
        var (store, roots) = Build(leaves);
        // Every prefix for small trees; a sample of prefixes for the large one.
        var sizes = count <= 1000 ? Enumerable.Range(0, count + 1) : new[] { 0, 1, 255, 256, 65_535, 65_536, 65_537, count };
        foreach (var size in sizes)
        {
            Assert.Equal(MerkleTree.Root(leaves.Take(size).ToList()), roots[size]);
            Assert.Equal(roots[size], MerkleTree.Root(size, Tiles.Reader(store)));
        }
    }

    [Fact]
    public void Proofs_FromTiles_EqualListProofsAndVerify()
    {
        var random = new Random(7);
        var leaves = Leaves(3000, 8);
        var (store, roots) = Build(leaves);
        var reader = Tiles.Reader(store);
        for (var trial = 0; trial < 300; trial++)
        {
            var size = random.Next(1, leaves.Count + 1);
            var index = random.Next(size);
            var prefix = leaves.Take(size).ToList();
            var proof = MerkleTree.InclusionProof(size, index, reader);
            Assert.Equal(MerkleTree.InclusionProof(prefix, index), proof);
            Assert.True(MerkleTree.VerifyInclusion(index, size, leaves[index], proof, roots[size]));

            var oldSize = random.Next(0, size + 1);
            var consistency = MerkleTree.ConsistencyProof(oldSize, size, reader);
            Assert.Equal(MerkleTree.ConsistencyProof(prefix, oldSize), consistency);
            Assert.True(MerkleTree.VerifyConsistency(oldSize, size, roots[oldSize], roots[size], consistency));
        }
    }

    [Fact]
    public void Proofs_MutatedHash_FailToVerify()
    {
        var random = new Random(9);
        var leaves = Leaves(700, 10);
        var (store, roots) = Build(leaves);
        var reader = Tiles.Reader(store);
        for (var trial = 0; trial < 100; trial++)
        {
            var size = random.Next(2, leaves.Count + 1);
            var index = random.Next(size);
            var proof = MerkleTree.InclusionProof(size, index, reader).Select(h => (byte[])h.Clone()).ToList();
            var victim = proof[random.Next(proof.Count)];
            victim[random.Next(victim.Length)] ^= (byte)(1 << random.Next(8));
            Assert.False(MerkleTree.VerifyInclusion(index, size, leaves[index], proof, roots[size]));

            var oldSize = random.Next(1, size);
            var consistency = MerkleTree.ConsistencyProof(oldSize, size, reader).Select(h => (byte[])h.Clone()).ToList();
            var bad = consistency[random.Next(consistency.Count)];
            bad[random.Next(bad.Length)] ^= 0x80;
            Assert.False(MerkleTree.VerifyConsistency(oldSize, size, roots[oldSize], roots[size], consistency));
        }
    }

    [Fact]
    public void Restore_FromTilesAtAnySize_ContinuesToTheSameRoots()
    {
        var leaves = Leaves(1300, 11);
        var (store, roots) = Build(leaves);
        foreach (var size in new[] { 0, 1, 2, 255, 256, 257, 511, 512, 1000 })
        {
            // A second store holding only what was written up to `size`, as after a restart.
            var (partial, _) = Build(leaves.Take(size).ToList());
            var range = CompactRange.Restore(size, Tiles.Reader(partial));
            Assert.Equal(roots[size], range.Root());
            foreach (var leaf in leaves.Skip(size))
            {
                partial.Write(range.Append(leaf));
            }

            Assert.Equal(roots[^1], range.Root());
            Assert.Equal(store.Count, partial.Count);
        }
    }

    [Fact]
    public void Copy_AppendsToEither_TheOtherKeepsItsRoot()
    {
        var leaves = Leaves(700, 13);
        var (_, roots) = Build(leaves);
        var range = CompactRange.Empty();
        foreach (var leaf in leaves.Take(511))
        {
            range.Append(leaf);
        }

        // The sequencer keeps a log's right edge between rounds and appends to a copy: a round rolled back must leave it as it was.
        var copy = range.Copy();
        foreach (var leaf in leaves.Skip(511))
        {
            copy.Append(leaf);
        }

        Assert.Equal(511, range.Size);
        Assert.Equal(roots[511], range.Root());
        Assert.Equal(roots[700], copy.Root());
        range.Append(leaves[511]);
        Assert.Equal(roots[512], range.Root());
        Assert.Equal(roots[700], copy.Root());
    }

    [Fact]
    public void Tiles_StoreOnlyTileLevels_AboutOneHashPerLeaf()
    {
        var leaves = Leaves(256 * 256 + 1, 12);
        var (store, _) = Build(leaves);
        // Level 0: 256 full tiles + 1 partial; level 8 has 256 complete nodes: one full tile; level 16 one node: one tile.
        Assert.Equal(257 + 1 + 1, store.Count);
    }

    [Fact]
    public void Reader_TileMissing_Throws() =>
        Assert.Throws<InvalidOperationException>(() => MerkleTree.Root(5, Tiles.Reader(new MemoryTileStore())));

    [Fact]
    public void Append_NotAHash_Throws() =>
        Assert.Throws<ArgumentException>(() => CompactRange.Empty().Append(SHA256.HashData([1])[..31]));
}
