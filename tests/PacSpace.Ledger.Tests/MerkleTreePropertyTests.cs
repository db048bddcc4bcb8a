namespace PacSpace.Ledger.Tests;

/// <summary>
/// Seeded random trees: every proof verifies, and every tampering the brief lists is caught.
/// </summary>
public sealed class MerkleTreePropertyTests
{
    private const int Seed = 6962;

    // Edge sizes around powers of two, up to 300 leaves, plus a few seeded random sizes.
    private static readonly int[] TreeSizes = BuildTreeSizes();

    private static readonly Lazy<RandomTree[]> Trees = new(() =>
    {
        var rng = new Random(Seed);
        return TreeSizes.Select(size => new RandomTree(rng, size)).ToArray();
    });

    [Fact]
    public void InclusionProof_EveryLeafOfRandomTrees_VerifiesWithRfcLength()
    {
        foreach (var tree in Trees.Value)
        {
            for (var index = 0; index < tree.Size; index++)
            {
                var proof = MerkleTree.InclusionProof(tree.Leaves, index);

                Assert.Equal(ProofShapes.InclusionShape(index, tree.Size).Length, proof.Count);
                Assert.Equal(ProofShapes.InclusionLength(index, tree.Size), proof.Count);
                Assert.True(
                    MerkleTree.VerifyInclusion(index, tree.Size, tree.Leaves[index], proof, tree.Root),
                    $"index {index}, size {tree.Size}");
            }
        }
    }

    [Fact]
    public void ConsistencyProof_EveryOldSizeOfRandomTrees_VerifiesWithRfcLength()
    {
        foreach (var tree in Trees.Value)
        {
            for (var oldSize = 0; oldSize <= tree.Size; oldSize++)
            {
                var proof = MerkleTree.ConsistencyProof(tree.Leaves, oldSize);

                var expected = oldSize == 0 || oldSize == tree.Size ? 0 : ProofShapes.ConsistencyLength(oldSize, tree.Size);
                Assert.Equal(expected, proof.Count);
                if (expected > 0)
                {
                    Assert.Equal(ProofShapes.ConsistencyShape(oldSize, tree.Size).Count, proof.Count);
                }

                Assert.True(
                    MerkleTree.VerifyConsistency(oldSize, tree.Size, tree.PrefixRoots[oldSize], tree.Root, proof),
                    $"old {oldSize}, new {tree.Size}");
            }
        }
    }

    [Fact]
    public void ConsistencyProof_EveryPairOfSizesInSmallRandomTree_Verifies()
    {
        var tree = new RandomTree(new Random(Seed + 1), 40);
        for (var newSize = 0; newSize <= tree.Size; newSize++)
        {
            var prefix = tree.Leaves[..newSize];
            for (var oldSize = 0; oldSize <= newSize; oldSize++)
            {
                var proof = MerkleTree.ConsistencyProof(prefix, oldSize);

                Assert.True(
                    MerkleTree.VerifyConsistency(oldSize, newSize, tree.PrefixRoots[oldSize], tree.PrefixRoots[newSize], proof),
                    $"old {oldSize}, new {newSize}");
            }
        }
    }

    [Fact]
    public void VerifyInclusion_AnySingleBitFlipInProofLeafOrRoot_ReturnsFalse()
    {
        var rng = new Random(Seed + 2);
        foreach (var tree in BitFlipTrees())
        {
            foreach (var index in SampleIndices(rng, tree.Size, count: 3))
            {
                var proof = MerkleTree.InclusionProof(tree.Leaves, index);

                foreach (var mutated in EverySingleBitFlip(proof))
                {
                    Assert.False(MerkleTree.VerifyInclusion(index, tree.Size, tree.Leaves[index], mutated, tree.Root));
                }

                foreach (var leaf in EverySingleBitFlip(tree.Leaves[index]))
                {
                    Assert.False(MerkleTree.VerifyInclusion(index, tree.Size, leaf, proof, tree.Root));
                }

                foreach (var root in EverySingleBitFlip(tree.Root))
                {
                    Assert.False(MerkleTree.VerifyInclusion(index, tree.Size, tree.Leaves[index], proof, root));
                }
            }
        }
    }

    [Fact]
    public void VerifyInclusion_ProofWithElementDroppedOrAdded_ReturnsFalse()
    {
        var rng = new Random(Seed + 3);
        foreach (var tree in Trees.Value)
        {
            foreach (var index in SampleIndices(rng, tree.Size, count: 6))
            {
                var proof = MerkleTree.InclusionProof(tree.Leaves, index);

                foreach (var altered in EveryDropAndAdd(rng, proof, tree))
                {
                    Assert.False(MerkleTree.VerifyInclusion(index, tree.Size, tree.Leaves[index], altered, tree.Root));
                }
            }
        }
    }

    [Fact]
    public void VerifyInclusion_WrongIndex_ReturnsFalse()
    {
        var rng = new Random(Seed + 4);
        foreach (var tree in Trees.Value)
        {
            foreach (var index in SampleIndices(rng, tree.Size, count: 4))
            {
                var proof = MerkleTree.InclusionProof(tree.Leaves, index);
                long[] outside = [-1, tree.Size, tree.Size + 1L, long.MaxValue, long.MinValue];

                foreach (var other in Enumerable.Range(0, tree.Size).Select(i => (long)i).Concat(outside))
                {
                    if (other != index)
                    {
                        Assert.False(MerkleTree.VerifyInclusion(other, tree.Size, tree.Leaves[index], proof, tree.Root));
                    }
                }
            }
        }
    }

    [Fact]
    public void VerifyInclusion_WrongTreeSize_VerifiesOnlyWhenPathShapeIsIdentical()
    {
        // The root commits to the size only through the signed checkpoint: a path verifies under
        // another size exactly when that size gives the leaf the same path shape (RFC 6962 PATH).
        var rng = new Random(Seed + 5);
        var rejected = 0;
        foreach (var tree in Trees.Value)
        {
            foreach (var index in SampleIndices(rng, tree.Size, count: 4))
            {
                var proof = MerkleTree.InclusionProof(tree.Leaves, index);
                var shape = ProofShapes.InclusionShape(index, tree.Size);

                for (long size = -1; size <= tree.Size + 70; size++)
                {
                    if (size == tree.Size)
                    {
                        continue;
                    }

                    var expected = index < size && ProofShapes.InclusionShape(index, size) == shape;
                    rejected += expected ? 0 : 1;
                    Assert.Equal(expected, MerkleTree.VerifyInclusion(index, size, tree.Leaves[index], proof, tree.Root));
                }

                Assert.False(MerkleTree.VerifyInclusion(index, long.MaxValue, tree.Leaves[index], proof, tree.Root));
            }
        }

        Assert.True(rejected > 1000, "most wrong sizes must be rejected");
    }

    [Fact]
    public void VerifyInclusion_ProofForSizeThreeCheckedAsSizeFour_VerifiesBecauseShapeMatches()
    {
        // Documents the RFC property the test above relies on, so nobody treats an inclusion proof as a size proof.
        var tree = Trees.Value.Single(t => t.Size == 3);
        var proof = MerkleTree.InclusionProof(tree.Leaves, 0);

        Assert.True(MerkleTree.VerifyInclusion(0, 4, tree.Leaves[0], proof, tree.Root));
        Assert.False(MerkleTree.VerifyInclusion(0, 5, tree.Leaves[0], proof, tree.Root));
    }

    [Fact]
    public void VerifyConsistency_AnySingleBitFlipInProofOrRoots_ReturnsFalse()
    {
        var rng = new Random(Seed + 6);
        foreach (var tree in BitFlipTrees().Where(t => t.Size > 1))
        {
            foreach (var oldSize in SampleIndices(rng, tree.Size - 1, count: 3).Select(i => i + 1))
            {
                var proof = MerkleTree.ConsistencyProof(tree.Leaves, oldSize);
                var oldRoot = tree.PrefixRoots[oldSize];

                foreach (var mutated in EverySingleBitFlip(proof))
                {
                    Assert.False(MerkleTree.VerifyConsistency(oldSize, tree.Size, oldRoot, tree.Root, mutated));
                }

                foreach (var root in EverySingleBitFlip(oldRoot))
                {
                    Assert.False(MerkleTree.VerifyConsistency(oldSize, tree.Size, root, tree.Root, proof));
                }

                foreach (var root in EverySingleBitFlip(tree.Root))
                {
                    Assert.False(MerkleTree.VerifyConsistency(oldSize, tree.Size, oldRoot, root, proof));
                }
            }
        }
    }

    [Fact]
    public void VerifyConsistency_ProofWithElementDroppedOrAdded_ReturnsFalse()
    {
        var rng = new Random(Seed + 7);
        foreach (var tree in Trees.Value.Where(t => t.Size > 1))
        {
            foreach (var oldSize in SampleIndices(rng, tree.Size - 1, count: 6).Select(i => i + 1))
            {
                var proof = MerkleTree.ConsistencyProof(tree.Leaves, oldSize);

                foreach (var altered in EveryDropAndAdd(rng, proof, tree))
                {
                    Assert.False(MerkleTree.VerifyConsistency(oldSize, tree.Size, tree.PrefixRoots[oldSize], tree.Root, altered));
                }
            }
        }
    }

    [Fact]
    public void VerifyConsistency_WrongSizes_VerifiesOnlyWhenProofShapeIsIdentical()
    {
        var rng = new Random(Seed + 8);
        var rejected = 0;
        foreach (var tree in Trees.Value.Where(t => t.Size > 1))
        {
            foreach (var oldSize in SampleIndices(rng, tree.Size - 1, count: 4).Select(i => (long)i + 1))
            {
                var proof = MerkleTree.ConsistencyProof(tree.Leaves, oldSize);
                var oldRoot = tree.PrefixRoots[oldSize];

                foreach (var (claimedOld, claimedNew) in WrongSizePairs(rng, oldSize, tree.Size))
                {
                    var expected = ProofShapes.ConsistencyProofTransfers(oldSize, tree.Size, claimedOld, claimedNew);
                    rejected += expected ? 0 : 1;
                    Assert.True(
                        expected == MerkleTree.VerifyConsistency(claimedOld, claimedNew, oldRoot, tree.Root, proof),
                        $"proof ({oldSize}, {tree.Size}) claimed as ({claimedOld}, {claimedNew}): expected {expected}");
                }
            }
        }

        Assert.True(rejected > 1000, "most wrong sizes must be rejected");
    }

    [Fact]
    public void VerifyConsistency_ProofForTwoToThreeCheckedAsTwoToFour_VerifiesBecauseShapeMatches()
    {
        var tree = Trees.Value.Single(t => t.Size == 3);
        var proof = MerkleTree.ConsistencyProof(tree.Leaves, 2);

        Assert.True(MerkleTree.VerifyConsistency(2, 4, tree.PrefixRoots[2], tree.Root, proof));
        Assert.False(MerkleTree.VerifyConsistency(1, 3, tree.PrefixRoots[2], tree.Root, proof));
    }

    [Fact]
    public void VerifyConsistency_RootsSwapped_ReturnsFalse()
    {
        var rng = new Random(Seed + 9);
        foreach (var tree in Trees.Value.Where(t => t.Size > 1))
        {
            foreach (var oldSize in SampleIndices(rng, tree.Size - 1, count: 6).Select(i => i + 1))
            {
                var proof = MerkleTree.ConsistencyProof(tree.Leaves, oldSize);

                Assert.False(MerkleTree.VerifyConsistency(oldSize, tree.Size, tree.Root, tree.PrefixRoots[oldSize], proof));
            }
        }
    }

    // Flipping all 256 bits of every element is costly, so it runs on a spread of shapes, not on every tree.
    private static IEnumerable<RandomTree> BitFlipTrees() =>
        Trees.Value.Where(t => t.Size is 1 or 2 or 3 or 5 or 8 or 17 or 65 or 300);

    private static int[] BuildTreeSizes()
    {
        var rng = new Random(Seed);
        int[] edges = [1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 257, 300];
        return [.. edges, .. Enumerable.Range(0, 3).Select(_ => rng.Next(10, 200))];
    }

    private static IEnumerable<int> SampleIndices(Random rng, int size, int count)
    {
        if (size <= count + 2)
        {
            return Enumerable.Range(0, size);
        }

        // Always include both ends: the right edge is where RFC 9162's fn == sn branch runs.
        return new[] { 0, size - 1 }.Concat(Enumerable.Range(0, count).Select(_ => rng.Next(size))).Distinct();
    }

    private static IEnumerable<byte[]> EverySingleBitFlip(byte[] value)
    {
        for (var bit = 0; bit < value.Length * 8; bit++)
        {
            var copy = (byte[])value.Clone();
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            yield return copy;
        }
    }

    private static IEnumerable<IReadOnlyList<byte[]>> EverySingleBitFlip(IReadOnlyList<byte[]> proof)
    {
        for (var element = 0; element < proof.Count; element++)
        {
            foreach (var flipped in EverySingleBitFlip(proof[element]))
            {
                var copy = proof.ToArray();
                copy[element] = flipped;
                yield return copy;
            }
        }
    }

    private static IEnumerable<IReadOnlyList<byte[]>> EveryDropAndAdd(Random rng, IReadOnlyList<byte[]> proof, RandomTree tree)
    {
        for (var i = 0; i < proof.Count; i++)
        {
            yield return proof.Where((_, j) => j != i).ToArray();
        }

        var extra = new byte[MerkleTree.HashSize];
        rng.NextBytes(extra);
        for (var i = 0; i <= proof.Count; i++)
        {
            var longer = proof.ToList();
            longer.Insert(i, extra);
            yield return longer;
        }

        // Duplicating an element or appending the tree's own root must not help either.
        if (proof.Count > 0)
        {
            yield return [.. proof, proof[^1]];
        }

        yield return [.. proof, tree.Root];
    }

    private static IEnumerable<(long Old, long New)> WrongSizePairs(Random rng, long oldSize, long newSize)
    {
        var olds = new List<long> { -1, 0, long.MaxValue };
        var news = new List<long> { -1, 0, long.MaxValue };
        for (var delta = -3; delta <= 3; delta++)
        {
            olds.Add(oldSize + delta);
            news.Add(newSize + delta);
        }

        for (var i = 0; i < 8; i++)
        {
            olds.Add(rng.NextInt64(1, newSize + 40));
            news.Add(rng.NextInt64(1, newSize + 80));
        }

        olds.Add(oldSize);
        news.Add(newSize);
        foreach (var claimedOld in olds.Distinct())
        {
            foreach (var claimedNew in news.Distinct())
            {
                if (claimedOld != oldSize || claimedNew != newSize)
                {
                    yield return (claimedOld, claimedNew);
                }
            }
        }
    }

    private sealed class RandomTree
    {
        public RandomTree(Random rng, int size)
        {
            Size = size;
            Leaves = new byte[size][];
            var entry = new byte[24];
            for (var i = 0; i < size; i++)
            {
                rng.NextBytes(entry);
                Leaves[i] = MerkleTree.HashLeaf(entry);
            }

            PrefixRoots = Enumerable.Range(0, size + 1).Select(n => MerkleTree.Root(Leaves[..n])).ToArray();
        }

        public int Size { get; }

        public byte[][] Leaves { get; }

        /// <summary>Root of the first n leaves at index n.</summary>
        public byte[][] PrefixRoots { get; }

        public byte[] Root => PrefixRoots[Size];
    }
}
