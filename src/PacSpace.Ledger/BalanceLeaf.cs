using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace PacSpace.Ledger;

/// <summary>
/// One customer's closing state at a period checkpoint, as a leaf of the checkpoint's <c>balancesRoot</c>
/// (65 bytes, big-endian): <c>type(1)=0x02 ‖ SHA-256(customerId, UTF-8)(32) ‖ lastCustomerSeq(u64) ‖ lastIndex(u64) ‖ closingBalance(i128)</c>.
/// The leaves of a checkpoint are ordered by the customer id hash, so a customer's leaf index does not reveal
/// the other customers' ids, and one inclusion proof in the RFC 6962 tree over them shows a closing balance.
/// </summary>
/// <param name="CustomerId">The customer, as the tenant names it.</param>
/// <param name="LastCustomerSeq">The customer's <c>customerSeq</c> of its last entry before the checkpoint.</param>
/// <param name="LastIndex">The log index of that entry.</param>
/// <param name="ClosingBalance">The customer's running balance after that entry.</param>
public sealed record BalanceLeaf(string CustomerId, long LastCustomerSeq, long LastIndex, Int128 ClosingBalance)
{
    /// <summary>Length of an encoded leaf.</summary>
    public const int Size = 65;

    /// <summary>Leaf type byte of a closing balance (log entries use 0x01).</summary>
    public const byte BalanceType = 0x02;

    /// <summary>SHA-256 of the customer id's UTF-8 bytes: the leaf's sort key.</summary>
    public byte[] CustomerIdHash() => SHA256.HashData(Encoding.UTF8.GetBytes(CustomerId));

    /// <summary>The 65 bytes.</summary>
    /// <exception cref="ArgumentException">The sequence is below 1 or the index negative.</exception>
    public byte[] Encode()
    {
        if (LastCustomerSeq < 1 || LastIndex < 0)
        {
            throw new ArgumentException("A closing balance needs a sequence of at least 1 and a non-negative log index.");
        }

        var leaf = new byte[Size];
        var span = leaf.AsSpan();
        span[0] = BalanceType;
        CustomerIdHash().CopyTo(span[1..]);
        BinaryPrimitives.WriteUInt64BigEndian(span[33..], (ulong)LastCustomerSeq);
        BinaryPrimitives.WriteUInt64BigEndian(span[41..], (ulong)LastIndex);
        BinaryPrimitives.WriteInt128BigEndian(span[49..], ClosingBalance);
        return leaf;
    }

    /// <summary>The RFC 6962 leaf hash of the encoded leaf.</summary>
    public byte[] LeafHash() => MerkleTree.HashLeaf(Encode());

    /// <summary>Puts leaves in <c>balancesRoot</c> order: by customer id hash, bytewise.</summary>
    public static IReadOnlyList<BalanceLeaf> Order(IEnumerable<BalanceLeaf> leaves) =>
        leaves.Select(l => (Leaf: l, Key: l.CustomerIdHash()))
            .OrderBy(x => x.Key, ByteOrder.Instance)
            .Select(x => x.Leaf)
            .ToList();

    /// <summary>The RFC 6962 root over leaves already in <see cref="Order"/>.</summary>
    public static byte[] Root(IReadOnlyList<BalanceLeaf> ordered) => MerkleTree.Root(ordered.Select(l => l.LeafHash()).ToList());

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
