using System.Numerics;

namespace PacSpace.Ledger.Tests;

/// <summary>
/// Test oracles written straight from the RFC 6962 recursive definitions (PATH and SUBPROOF),
/// deliberately independent of the RFC 9162 bit-twiddling verifier under test.
/// </summary>
internal static class ProofShapes
{
    /// <summary>Largest power of two strictly below n (n &gt;= 2).</summary>
    public static long Split(long n)
    {
        long k = 1;
        while (k < n - k)
        {
            k *= 2;
        }

        return k;
    }

    /// <summary>
    /// Which side each audit-path sibling sits on, leaf to root ('R' = sibling on the right).
    /// Its length is the proof length, and two (index, size) pairs with the same shape make the
    /// verifier perform exactly the same hashes.
    /// </summary>
    public static string InclusionShape(long index, long size)
    {
        if (size == 1)
        {
            return string.Empty;
        }

        var k = Split(size);
        return index < k
            ? InclusionShape(index, k) + "R"
            : InclusionShape(index - k, size - k) + "L";
    }

    /// <summary>
    /// Symbolic old and new roots that a consistency proof for (m, n) rebuilds, for 0 &lt; m &lt; n.
    /// Proof element i is written "p{i}", the verifier's own old root "O", and a node "(left,right)".
    /// </summary>
    public static (int Count, string Old, string New) ConsistencyShape(long m, long n)
    {
        var next = 0;
        var (old, @new) = SubProof(m, n, startsAtOldRoot: true, ref next);
        return (next, old, @new);
    }

    /// <summary>
    /// Whether an honest consistency proof for (m, n) would also pass the verifier when presented as
    /// (claimedOld, claimedNew) with the true roots: yes exactly when the claimed sizes make the
    /// verifier rebuild the same expressions over the same proof elements.
    /// </summary>
    public static bool ConsistencyProofTransfers(long m, long n, long claimedOld, long claimedNew)
    {
        if (claimedOld <= 0 || claimedNew <= claimedOld)
        {
            // Sizes 0 and m == n accept only an empty proof, and an honest proof for 0 < m < n is never empty.
            return false;
        }

        var (count, old, @new) = ConsistencyShape(m, n);
        var (claimedCount, claimedOldExpr, claimedNewExpr) = ConsistencyShape(claimedOld, claimedNew);
        if (claimedCount != count)
        {
            return false;
        }

        // The true old root is an atom the proof omits when m is a power of two; otherwise the proof rebuilds it.
        var trueOld = BitOperations.IsPow2(m) ? "O" : old;
        return claimedOldExpr.Replace("O", trueOld, StringComparison.Ordinal) == trueOld
            && claimedNewExpr.Replace("O", trueOld, StringComparison.Ordinal) == @new.Replace("O", trueOld, StringComparison.Ordinal);
    }

    /// <summary>Inclusion proof length from the bit decomposition of (index, size).</summary>
    public static int InclusionLength(long index, long size)
    {
        var inner = 64 - BitOperations.LeadingZeroCount((ulong)(index ^ (size - 1)));
        var border = BitOperations.PopCount((ulong)index >> inner);
        return inner + border;
    }

    /// <summary>Consistency proof length for 0 &lt; m &lt; n from the same decomposition.</summary>
    public static int ConsistencyLength(long m, long n)
    {
        var inner = 64 - BitOperations.LeadingZeroCount((ulong)((m - 1) ^ (n - 1)));
        var border = BitOperations.PopCount((ulong)(m - 1) >> inner);
        var shift = BitOperations.TrailingZeroCount(m);
        var seed = BitOperations.IsPow2(m) ? 0 : 1;
        return seed + (inner - shift) + border;
    }

    private static (string Old, string New) SubProof(long m, long n, bool startsAtOldRoot, ref int next)
    {
        if (m == n)
        {
            if (startsAtOldRoot)
            {
                return ("O", "O");
            }

            var node = $"p{next++}";
            return (node, node);
        }

        var k = Split(n);
        if (m <= k)
        {
            var (old, @new) = SubProof(m, k, startsAtOldRoot, ref next);
            var right = $"p{next++}";
            return (old, $"({@new},{right})");
        }
        else
        {
            var (old, @new) = SubProof(m - k, n - k, startsAtOldRoot: false, ref next);
            var left = $"p{next++}";
            return ($"({left},{old})", $"({left},{@new})");
        }
    }
}
