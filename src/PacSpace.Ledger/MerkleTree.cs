using System.Numerics;
using System.Security.Cryptography;

namespace PacSpace.Ledger;

/// <summary>
/// The RFC 6962 / RFC 9162 Merkle tree with SHA-256.
/// </summary>
/// <remarks>
/// <para>
/// The ledger's tamper evidence rests on this one construction, so it follows the
/// RFCs literally instead of inventing a variant: auditors and third-party tools
/// (transparency-dev, sigsum, Go's sumdb) can then check our proofs with their
/// own code. The 0x00 / 0x01 prefixes are the RFC's domain separation, which stops
/// an interior node being passed off as a leaf (second-preimage attacks).
/// </para>
/// <para>
/// Proof generation works on the full list of leaf hashes and costs O(n) hashes;
/// that keeps this library free of storage concerns. A caller with a large log is
/// expected to cache subtree hashes on its side.
/// </para>
/// <para>
/// The verifiers take attacker-controlled input (proofs arrive over the wire), so
/// they never throw for malformed proofs: any wrong length, count, size or index
/// is simply "not verified".
/// </para>
/// </remarks>
public static class MerkleTree
{
    /// <summary>Size in bytes of every hash this tree produces (SHA-256).</summary>
    public const int HashSize = 32;

    private const byte LeafPrefix = 0x00;
    private const byte NodePrefix = 0x01;

    private static readonly byte[] EmptyRootHash = SHA256.HashData(ReadOnlySpan<byte>.Empty);

    /// <summary>
    /// Hashes a leaf with the 0x00 prefix, so a leaf can never collide with an interior node.
    /// </summary>
    public static byte[] HashLeaf(ReadOnlySpan<byte> leafInput)
    {
        if (leafInput.Length > 255)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData([LeafPrefix]);
            hash.AppendData(leafInput);
            return hash.GetHashAndReset();
        }

        // Log entries are 81 bytes: one call on the stack.
        Span<byte> input = stackalloc byte[1 + leafInput.Length];
        input[0] = LeafPrefix;
        leafInput.CopyTo(input[1..]);
        return SHA256.HashData(input);
    }

    /// <summary>
    /// Hashes two child nodes with the 0x01 prefix.
    /// </summary>
    /// <exception cref="ArgumentException">A child is not a 32-byte hash; in this tree that is always a caller bug.</exception>
    public static byte[] HashChildren(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        if (left.Length != HashSize)
        {
            throw new ArgumentException($"Child hash must be {HashSize} bytes.", nameof(left));
        }

        if (right.Length != HashSize)
        {
            throw new ArgumentException($"Child hash must be {HashSize} bytes.", nameof(right));
        }

        var result = new byte[HashSize];
        HashChildrenInto(left, right, result);
        return result;
    }

    /// <summary>
    /// The root of a tree with no leaves: SHA-256 of the empty string, as RFC 6962 defines it,
    /// so that a freshly created log still has a well-defined, checkable checkpoint.
    /// </summary>
    public static byte[] EmptyRoot() => (byte[])EmptyRootHash.Clone();

    /// <summary>
    /// Computes MTH over leaf hashes (not leaf inputs), so callers that already store
    /// leaf hashes never re-hash entry data.
    /// </summary>
    /// <exception cref="ArgumentException">A leaf hash is null or not 32 bytes.</exception>
    public static byte[] Root(IReadOnlyList<byte[]> leafHashes)
    {
        ValidateLeaves(leafHashes);
        if (leafHashes.Count == 0)
        {
            return EmptyRoot();
        }

        var result = new byte[HashSize];
        SubtreeRoot(leafHashes, 0, leafHashes.Count, result);
        return result;
    }

    /// <summary>
    /// Builds the RFC 6962 audit path (PATH) for one leaf, ordered from the leaf's
    /// sibling up to the root's child, which is the order <see cref="VerifyInclusion"/> consumes.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not a leaf of the tree.</exception>
    public static IReadOnlyList<byte[]> InclusionProof(IReadOnlyList<byte[]> leafHashes, long index)
    {
        ValidateLeaves(leafHashes);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, leafHashes.Count);

        return InclusionProof(leafHashes.Count, index, FromLeaves(leafHashes));
    }

    /// <summary>
    /// Checks an inclusion proof with the RFC 9162 §2.1.3.2 algorithm.
    /// </summary>
    /// <remarks>
    /// The proof binds the leaf to the root, not to the tree size: the same path can verify
    /// for another size whose tree has the same shape along that path. Trust in the size must
    /// come from the signed checkpoint that carries the root.
    /// </remarks>
    /// <returns><see langword="true"/> only for a well-formed proof that reproduces <paramref name="root"/>.</returns>
    public static bool VerifyInclusion(
        long index,
        long treeSize,
        ReadOnlySpan<byte> leafHash,
        IReadOnlyList<byte[]> proof,
        ReadOnlySpan<byte> root)
    {
        if (proof is null || index < 0 || index >= treeSize
            || leafHash.Length != HashSize || root.Length != HashSize)
        {
            return false;
        }

        Span<byte> r = stackalloc byte[HashSize];
        leafHash.CopyTo(r);
        var fn = index;
        var sn = treeSize - 1;

        for (var i = 0; i < proof.Count; i++)
        {
            var p = proof[i];
            if (p is null || p.Length != HashSize || sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                HashChildrenInto(p, r, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                HashChildrenInto(r, p, r);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && r.SequenceEqual(root);
    }

    /// <summary>
    /// Builds the RFC 6962 consistency proof (PROOF / SUBPROOF) that the tree of the first
    /// <paramref name="oldSize"/> leaves is a prefix of the tree of all of them, which is what
    /// lets a client holding an old checkpoint detect a rewritten history.
    /// </summary>
    /// <remarks>
    /// Sizes 0 and <c>leafHashes.Count</c> yield an empty proof: every tree extends the empty
    /// tree, and a tree is trivially consistent with itself.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="oldSize"/> is negative or larger than the tree.</exception>
    public static IReadOnlyList<byte[]> ConsistencyProof(IReadOnlyList<byte[]> leafHashes, long oldSize)
    {
        ValidateLeaves(leafHashes);
        ArgumentOutOfRangeException.ThrowIfNegative(oldSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(oldSize, leafHashes.Count);

        return ConsistencyProof(oldSize, leafHashes.Count, FromLeaves(leafHashes));
    }

    /// <summary>
    /// Checks a consistency proof with the RFC 9162 §2.1.4.2 algorithm.
    /// </summary>
    /// <remarks>
    /// Equal sizes need an empty proof and equal roots. Old size 0 needs an empty proof and
    /// <paramref name="oldRoot"/> equal to <see cref="EmptyRoot"/>: being strict here means a
    /// client can never be talked into accepting a bogus "empty" checkpoint.
    /// </remarks>
    /// <returns><see langword="true"/> only for a well-formed proof that reproduces both roots.</returns>
    public static bool VerifyConsistency(
        long oldSize,
        long newSize,
        ReadOnlySpan<byte> oldRoot,
        ReadOnlySpan<byte> newRoot,
        IReadOnlyList<byte[]> proof)
    {
        if (proof is null || oldSize < 0 || newSize < oldSize
            || oldRoot.Length != HashSize || newRoot.Length != HashSize)
        {
            return false;
        }

        if (oldSize == newSize)
        {
            return proof.Count == 0 && oldRoot.SequenceEqual(newRoot);
        }

        if (oldSize == 0)
        {
            return proof.Count == 0 && oldRoot.SequenceEqual(EmptyRootHash);
        }

        if (proof.Count == 0)
        {
            return false;
        }

        Span<byte> fr = stackalloc byte[HashSize];
        Span<byte> sr = stackalloc byte[HashSize];
        var next = 0;
        if (BitOperations.IsPow2(oldSize))
        {
            // The old tree is a complete subtree of the new one, so the proof omits its root.
            oldRoot.CopyTo(fr);
        }
        else
        {
            var first = proof[0];
            if (first is null || first.Length != HashSize)
            {
                return false;
            }

            first.CopyTo(fr);
            next = 1;
        }

        fr.CopyTo(sr);
        var fn = oldSize - 1;
        var sn = newSize - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        for (var i = next; i < proof.Count; i++)
        {
            var c = proof[i];
            if (c is null || c.Length != HashSize || sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                HashChildrenInto(c, fr, fr);
                HashChildrenInto(c, sr, sr);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                HashChildrenInto(sr, c, sr);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && fr.SequenceEqual(oldRoot) && sr.SequenceEqual(newRoot);
    }

    // Copies both children into one buffer before hashing, so destination may alias either input.
    private static void HashChildrenInto(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        Span<byte> buffer = stackalloc byte[1 + (2 * HashSize)];
        buffer[0] = NodePrefix;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + HashSize)..]);
        SHA256.HashData(buffer, destination);
    }

    // Largest power of two strictly smaller than n (n >= 2): RFC 6962's split point k.
    private static int SplitPoint(int n) => 1 << (31 - BitOperations.LeadingZeroCount((uint)(n - 1)));

    /// <summary>
    /// Hash of the complete subtree of <c>2^level</c> leaves starting at leaf <c>index × 2^level</c>.
    /// Lets proofs be built from stored interior hashes (tiles) instead of every leaf.
    /// </summary>
    public delegate byte[] PerfectSubtree(int level, long index);

    /// <summary>MTH of the first <paramref name="size"/> leaves, from complete-subtree hashes.</summary>
    public static byte[] Root(long size, PerfectSubtree hashes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentNullException.ThrowIfNull(hashes);
        return size == 0 ? EmptyRoot() : Range(hashes, 0, size);
    }

    /// <summary>The inclusion proof of leaf <paramref name="index"/> in the tree of <paramref name="size"/> leaves.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not a leaf of the tree.</exception>
    public static IReadOnlyList<byte[]> InclusionProof(long size, long index, PerfectSubtree hashes)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, size);
        var proof = new List<byte[]>();
        AppendPath(hashes, index, 0, size, proof);
        return proof;
    }

    /// <summary>The consistency proof from <paramref name="oldSize"/> to <paramref name="newSize"/> leaves.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative, or the old size is larger than the new.</exception>
    public static IReadOnlyList<byte[]> ConsistencyProof(long oldSize, long newSize, PerfectSubtree hashes)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        ArgumentOutOfRangeException.ThrowIfNegative(oldSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(oldSize, newSize);
        var proof = new List<byte[]>();
        if (oldSize > 0 && oldSize < newSize)
        {
            AppendSubProof(hashes, oldSize, 0, newSize, startsAtOldRoot: true, proof);
        }

        return proof;
    }

    // Largest power of two strictly smaller than n (n >= 2): RFC 6962's split point k.
    private static long SplitPoint(long n) => 1L << (63 - BitOperations.LeadingZeroCount((ulong)(n - 1)));

    /// <summary>Complete-subtree hashes computed from an in-memory list of leaf hashes.</summary>
    private static PerfectSubtree FromLeaves(IReadOnlyList<byte[]> leaves) => (level, index) =>
    {
        var result = new byte[HashSize];
        SubtreeRoot(leaves, checked((int)(index << level)), 1 << level, result);
        return result;
    };

    private static void SubtreeRoot(IReadOnlyList<byte[]> leaves, int start, int count, Span<byte> destination)
    {
        if (count == 1)
        {
            leaves[start].CopyTo(destination);
            return;
        }

        var k = (int)SplitPoint(count);
        Span<byte> left = stackalloc byte[HashSize];
        Span<byte> right = stackalloc byte[HashSize];
        SubtreeRoot(leaves, start, k, left);
        SubtreeRoot(leaves, start + k, count - k, right);
        HashChildrenInto(left, right, destination);
    }

    // MTH of leaves [start, start + count): complete subtrees come from the source, the rest is split as RFC 6962 does.
    private static byte[] Range(PerfectSubtree hashes, long start, long count)
    {
        if (BitOperations.IsPow2(count) && start % count == 0)
        {
            var level = BitOperations.Log2((ulong)count);
            return hashes(level, start >> level);
        }

        var k = SplitPoint(count);
        return HashChildren(Range(hashes, start, k), Range(hashes, start + k, count - k));
    }

    private static void AppendPath(PerfectSubtree hashes, long m, long start, long n, List<byte[]> proof)
    {
        if (n == 1)
        {
            return;
        }

        var k = SplitPoint(n);
        if (m < k)
        {
            AppendPath(hashes, m, start, k, proof);
            proof.Add(Range(hashes, start + k, n - k));
        }
        else
        {
            AppendPath(hashes, m - k, start + k, n - k, proof);
            proof.Add(Range(hashes, start, k));
        }
    }

    private static void AppendSubProof(PerfectSubtree hashes, long m, long start, long n, bool startsAtOldRoot, List<byte[]> proof)
    {
        if (m == n)
        {
            // When this subtree is the whole old tree the verifier already holds its root.
            if (!startsAtOldRoot)
            {
                proof.Add(Range(hashes, start, n));
            }

            return;
        }

        var k = SplitPoint(n);
        if (m <= k)
        {
            AppendSubProof(hashes, m, start, k, startsAtOldRoot, proof);
            proof.Add(Range(hashes, start + k, n - k));
        }
        else
        {
            AppendSubProof(hashes, m - k, start + k, n - k, startsAtOldRoot: false, proof);
            proof.Add(Range(hashes, start, k));
        }
    }

    private static void ValidateLeaves(IReadOnlyList<byte[]> leafHashes)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        for (var i = 0; i < leafHashes.Count; i++)
        {
            if (leafHashes[i] is not { Length: HashSize })
            {
                throw new ArgumentException(
                    $"Leaf hash {i} must be a {HashSize}-byte hash; pass HashLeaf output, not raw entries.",
                    nameof(leafHashes));
            }
        }
    }
}
