using System.Security.Cryptography;

namespace PacSpace.Ledger.Tests;

public sealed class MerkleTreeVectorTests
{
    private static Rfc6962Vectors Vectors => Rfc6962Vectors.Value;

    [Fact]
    public void EmptyRoot_Always_IsSha256OfEmptyString()
    {
        Assert.Equal(
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            Hex.Encode(MerkleTree.EmptyRoot()));
    }

    [Fact]
    public void EmptyRoot_CallerMutatesResult_NextCallUnaffected()
    {
        var first = MerkleTree.EmptyRoot();
        first[0] ^= 0xff;

        Assert.Equal(Vectors.RootsBySize[0], MerkleTree.EmptyRoot());
    }

    [Fact]
    public void HashLeaf_VectorInputs_MatchVectorLeafHashes()
    {
        for (var i = 0; i < Vectors.LeafInputs.Length; i++)
        {
            Assert.Equal(Vectors.LeafHashes[i], MerkleTree.HashLeaf(Vectors.LeafInputs[i]));
        }
    }

    [Fact]
    public void HashLeaf_AnyInput_IsSha256OfZeroPrefixedInput()
    {
        var input = "PacSpace entry"u8.ToArray();

        Assert.Equal(SHA256.HashData([0x00, .. input]), MerkleTree.HashLeaf(input));
    }

    [Fact]
    public void HashChildren_TwoHashes_IsSha256OfOnePrefixedConcatenation()
    {
        var left = Vectors.LeafHashes[0];
        var right = Vectors.LeafHashes[1];

        Assert.Equal(SHA256.HashData([0x01, .. left, .. right]), MerkleTree.HashChildren(left, right));
        Assert.Equal(Vectors.RootsBySize[2], MerkleTree.HashChildren(left, right));
    }

    [Theory]
    [InlineData(31, 32)]
    [InlineData(32, 33)]
    [InlineData(0, 32)]
    public void HashChildren_ChildNotHashSized_ThrowsArgumentException(int leftLength, int rightLength)
    {
        Assert.Throws<ArgumentException>(() => MerkleTree.HashChildren(new byte[leftLength], new byte[rightLength]));
    }

    [Fact]
    public void Root_EveryPrefixOfVectorTree_MatchesVectorRoot()
    {
        for (var size = 0; size < Vectors.RootsBySize.Length; size++)
        {
            Assert.Equal(Vectors.RootsBySize[size], MerkleTree.Root(Vectors.LeafHashes[..size]));
        }
    }

    [Fact]
    public void Root_SingleLeaf_ReturnsCopyNotAlias()
    {
        var leaf = (byte[])Vectors.LeafHashes[0].Clone();

        var root = MerkleTree.Root([leaf]);
        root[0] ^= 0xff;

        Assert.Equal(Vectors.LeafHashes[0], leaf);
    }

    [Fact]
    public void Root_LeafNotHashSized_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => MerkleTree.Root([Vectors.LeafHashes[0], new byte[31]]));
    }

    [Fact]
    public void InclusionProof_EveryIndexAndSizeOfVectorTree_VerifiesAgainstVectorRoot()
    {
        for (var size = 1; size <= Vectors.LeafHashes.Length; size++)
        {
            var leaves = Vectors.LeafHashes[..size];
            for (var index = 0; index < size; index++)
            {
                var proof = MerkleTree.InclusionProof(leaves, index);

                Assert.Equal(ProofShapes.InclusionLength(index, size), proof.Count);
                Assert.True(
                    MerkleTree.VerifyInclusion(index, size, Vectors.LeafHashes[index], proof, Vectors.RootsBySize[size]),
                    $"index {index}, size {size}");
            }
        }
    }

    [Fact]
    public void ConsistencyProof_EveryPairOfVectorSizes_VerifiesAgainstVectorRoots()
    {
        for (var newSize = 0; newSize <= Vectors.LeafHashes.Length; newSize++)
        {
            var leaves = Vectors.LeafHashes[..newSize];
            for (var oldSize = 0; oldSize <= newSize; oldSize++)
            {
                var proof = MerkleTree.ConsistencyProof(leaves, oldSize);

                var expectedLength = oldSize == 0 || oldSize == newSize ? 0 : ProofShapes.ConsistencyLength(oldSize, newSize);
                Assert.Equal(expectedLength, proof.Count);
                Assert.True(
                    MerkleTree.VerifyConsistency(oldSize, newSize, Vectors.RootsBySize[oldSize], Vectors.RootsBySize[newSize], proof),
                    $"old {oldSize}, new {newSize}");
            }
        }
    }

    // The seven-leaf example tree drawn in RFC 6962 section 2.1.3, nodes named as in the RFC.
    private sealed class Rfc6962ExampleTree
    {
        public Rfc6962ExampleTree()
        {
            Leaves = Vectors.LeafHashes[..7];
            (A, B, C, D, E, F, J) = (Leaves[0], Leaves[1], Leaves[2], Leaves[3], Leaves[4], Leaves[5], Leaves[6]);
            G = MerkleTree.HashChildren(A, B);
            H = MerkleTree.HashChildren(C, D);
            I = MerkleTree.HashChildren(E, F);
            K = MerkleTree.HashChildren(G, H);
            L = MerkleTree.HashChildren(I, J);
        }

        public byte[][] Leaves { get; }

        public byte[] A { get; }
        public byte[] B { get; }
        public byte[] C { get; }
        public byte[] D { get; }
        public byte[] E { get; }
        public byte[] F { get; }
        public byte[] G { get; }
        public byte[] H { get; }
        public byte[] I { get; }
        public byte[] J { get; }
        public byte[] K { get; }
        public byte[] L { get; }
    }

    [Fact]
    public void Root_Rfc6962ExampleTree_IsHashOfKAndL()
    {
        var tree = new Rfc6962ExampleTree();

        Assert.Equal(MerkleTree.HashChildren(tree.K, tree.L), MerkleTree.Root(tree.Leaves));
        Assert.Equal(Vectors.RootsBySize[7], MerkleTree.Root(tree.Leaves));
    }

    [Fact]
    public void InclusionProof_Rfc6962ExampleTree_MatchesPathsGivenInRfc()
    {
        var tree = new Rfc6962ExampleTree();

        Assert.Equal([tree.A, tree.H, tree.L], MerkleTree.InclusionProof(tree.Leaves, 1));
        Assert.Equal([tree.C, tree.G, tree.L], MerkleTree.InclusionProof(tree.Leaves, 3));
        Assert.Equal([tree.F, tree.J, tree.K], MerkleTree.InclusionProof(tree.Leaves, 4));
        Assert.Equal([tree.I, tree.K], MerkleTree.InclusionProof(tree.Leaves, 6));
    }

    [Fact]
    public void ConsistencyProof_Rfc6962ExampleTree_MatchesProofsGivenInRfc()
    {
        var tree = new Rfc6962ExampleTree();

        Assert.Equal([tree.C, tree.D, tree.G, tree.L], MerkleTree.ConsistencyProof(tree.Leaves, 3));
        Assert.Equal([tree.L], MerkleTree.ConsistencyProof(tree.Leaves, 4));
        Assert.Equal([tree.I, tree.J, tree.K], MerkleTree.ConsistencyProof(tree.Leaves, 6));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(8)]
    [InlineData(long.MaxValue)]
    public void InclusionProof_IndexOutsideTree_ThrowsArgumentOutOfRange(long index)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.InclusionProof(Vectors.LeafHashes, index));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(9)]
    public void ConsistencyProof_OldSizeOutsideTree_ThrowsArgumentOutOfRange(long oldSize)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.ConsistencyProof(Vectors.LeafHashes, oldSize));
    }
}
