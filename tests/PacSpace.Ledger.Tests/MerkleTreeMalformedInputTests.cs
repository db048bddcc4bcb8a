namespace PacSpace.Ledger.Tests;

/// <summary>
/// Proofs arrive from untrusted parties: verification must answer false, never throw.
/// </summary>
public sealed class MerkleTreeMalformedInputTests
{
    private static readonly byte[][] Leaves = Rfc6962Vectors.Value.LeafHashes;
    private static readonly byte[] Root = Rfc6962Vectors.Value.RootsBySize[8];

    [Theory]
    [InlineData(-1, 8)]
    [InlineData(8, 8)]
    [InlineData(0, 0)]
    [InlineData(0, -1)]
    [InlineData(long.MinValue, 8)]
    [InlineData(long.MaxValue, long.MaxValue)]
    public void VerifyInclusion_IndexOrSizeOutOfRange_ReturnsFalse(long index, long size)
    {
        var proof = MerkleTree.InclusionProof(Leaves, 2);

        Assert.False(MerkleTree.VerifyInclusion(index, size, Leaves[2], proof, Root));
    }

    [Fact]
    public void VerifyInclusion_NullProofOrNullElement_ReturnsFalse()
    {
        var proof = MerkleTree.InclusionProof(Leaves, 2).ToArray();
        proof[1] = null!;

        Assert.False(MerkleTree.VerifyInclusion(2, 8, Leaves[2], null!, Root));
        Assert.False(MerkleTree.VerifyInclusion(2, 8, Leaves[2], proof, Root));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void VerifyInclusion_ElementLeafOrRootWrongLength_ReturnsFalse(int length)
    {
        var proof = MerkleTree.InclusionProof(Leaves, 2).ToArray();
        var badProof = (byte[][])proof.Clone();
        badProof[0] = new byte[length];

        Assert.False(MerkleTree.VerifyInclusion(2, 8, Leaves[2], badProof, Root));
        Assert.False(MerkleTree.VerifyInclusion(2, 8, new byte[length], proof, Root));
        Assert.False(MerkleTree.VerifyInclusion(2, 8, Leaves[2], proof, new byte[length]));
    }

    [Fact]
    public void VerifyInclusion_HugeProof_ReturnsFalse()
    {
        var proof = Enumerable.Repeat(Leaves[0], 10_000).ToArray();

        Assert.False(MerkleTree.VerifyInclusion(2, 8, Leaves[2], proof, Root));
    }

    [Fact]
    public void VerifyInclusion_SingleLeafTreeWithEmptyProof_ReturnsTrueOnlyForThatLeaf()
    {
        Assert.True(MerkleTree.VerifyInclusion(0, 1, Leaves[0], [], Leaves[0]));
        Assert.False(MerkleTree.VerifyInclusion(0, 1, Leaves[1], [], Leaves[0]));
        Assert.False(MerkleTree.VerifyInclusion(0, 2, Leaves[0], [], Leaves[0]));
    }

    [Theory]
    [InlineData(-1, 8)]
    [InlineData(5, 4)]
    [InlineData(long.MinValue, long.MaxValue)]
    [InlineData(long.MaxValue, long.MaxValue - 1)]
    public void VerifyConsistency_SizesOutOfOrderOrNegative_ReturnsFalse(long oldSize, long newSize)
    {
        var proof = MerkleTree.ConsistencyProof(Leaves, 5);

        Assert.False(MerkleTree.VerifyConsistency(oldSize, newSize, Rfc6962Vectors.Value.RootsBySize[5], Root, proof));
    }

    [Fact]
    public void VerifyConsistency_NullProofOrNullElement_ReturnsFalse()
    {
        var proof = MerkleTree.ConsistencyProof(Leaves, 5).ToArray();
        var withNull = (byte[][])proof.Clone();
        withNull[^1] = null!;
        var nullSeed = (byte[][])proof.Clone();
        nullSeed[0] = null!;

        Assert.False(MerkleTree.VerifyConsistency(5, 8, Rfc6962Vectors.Value.RootsBySize[5], Root, null!));
        Assert.False(MerkleTree.VerifyConsistency(5, 8, Rfc6962Vectors.Value.RootsBySize[5], Root, withNull));
        Assert.False(MerkleTree.VerifyConsistency(5, 8, Rfc6962Vectors.Value.RootsBySize[5], Root, nullSeed));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    public void VerifyConsistency_ElementOrRootWrongLength_ReturnsFalse(int length)
    {
        var oldRoot = Rfc6962Vectors.Value.RootsBySize[5];
        var proof = MerkleTree.ConsistencyProof(Leaves, 5).ToArray();
        var badProof = (byte[][])proof.Clone();
        badProof[0] = new byte[length];

        Assert.False(MerkleTree.VerifyConsistency(5, 8, oldRoot, Root, badProof));
        Assert.False(MerkleTree.VerifyConsistency(5, 8, new byte[length], Root, proof));
        Assert.False(MerkleTree.VerifyConsistency(5, 8, oldRoot, new byte[length], proof));
        Assert.False(MerkleTree.VerifyConsistency(8, 8, new byte[length], new byte[length], []));
    }

    [Fact]
    public void VerifyConsistency_EmptyProofForGrowingTree_ReturnsFalse()
    {
        Assert.False(MerkleTree.VerifyConsistency(4, 8, Rfc6962Vectors.Value.RootsBySize[4], Root, []));
    }

    [Fact]
    public void VerifyConsistency_HugeProof_ReturnsFalse()
    {
        var proof = Enumerable.Repeat(Leaves[0], 10_000).ToArray();

        Assert.False(MerkleTree.VerifyConsistency(5, 8, Rfc6962Vectors.Value.RootsBySize[5], Root, proof));
    }

    [Fact]
    public void VerifyConsistency_EqualSizes_RequiresEqualRootsAndEmptyProof()
    {
        Assert.True(MerkleTree.VerifyConsistency(8, 8, Root, Root, []));
        Assert.False(MerkleTree.VerifyConsistency(8, 8, Rfc6962Vectors.Value.RootsBySize[7], Root, []));
        Assert.False(MerkleTree.VerifyConsistency(8, 8, Root, Root, [Leaves[0]]));
    }

    [Fact]
    public void VerifyConsistency_FromEmptyTree_RequiresEmptyRootAndEmptyProof()
    {
        Assert.Empty(MerkleTree.ConsistencyProof(Leaves, 0));
        Assert.True(MerkleTree.VerifyConsistency(0, 8, MerkleTree.EmptyRoot(), Root, []));
        Assert.False(MerkleTree.VerifyConsistency(0, 8, Leaves[0], Root, []));
        Assert.False(MerkleTree.VerifyConsistency(0, 8, MerkleTree.EmptyRoot(), Root, [Leaves[0]]));
    }
}
