using System.Buffers.Binary;

namespace PacSpace.Ledger;

/// <summary>
/// The fixed binary log entry, version 1 (81 bytes, big-endian):
/// <c>type(1)=0x01 ‖ recordedAtUnixMs(u64) ‖ customerSeq(u64) ‖ prevCustomerIndex+1(u64) ‖ balanceAfter(i128) ‖ contentHash(32) ‖ reserved(u64)=0</c>.
/// <c>customerSeq</c>, <c>prevCustomerIndex</c> and <c>balanceAfter</c> chain each customer's deltas, so a
/// derived balance is provable, not only each record.
/// </summary>
/// <param name="RecordedAtUnixMs">When the sequencer appended the delta (milliseconds since the Unix epoch).</param>
/// <param name="CustomerSeq">1, 2, 3… per customer of the log.</param>
/// <param name="PrevCustomerIndex">Log index of the customer's previous delta, or <see langword="null"/> for the first.</param>
/// <param name="BalanceAfter">The customer's running balance after this delta.</param>
/// <param name="ContentHash">The delta's content hash (32 bytes).</param>
public sealed record LeafEntry(long RecordedAtUnixMs, long CustomerSeq, long? PrevCustomerIndex, Int128 BalanceAfter, byte[] ContentHash)
{
    /// <summary>Length of an encoded entry.</summary>
    public const int Size = 81;

    /// <summary>Entry type byte of a delta.</summary>
    public const byte DeltaType = 0x01;

    /// <summary>The 81 bytes.</summary>
    /// <exception cref="ArgumentException">A field is out of range (negative time or sequence, content hash not 32 bytes).</exception>
    public byte[] Encode()
    {
        var entry = new byte[Size];
        EncodeInto(RecordedAtUnixMs, CustomerSeq, PrevCustomerIndex, BalanceAfter, ContentHash, entry);
        return entry;
    }

    /// <summary>The RFC 6962 leaf hash of the encoded entry.</summary>
    public byte[] LeafHash() => LeafHashOf(RecordedAtUnixMs, CustomerSeq, PrevCustomerIndex, BalanceAfter, ContentHash);

    /// <summary>The leaf hash of the entry with these fields, encoded on the stack (the head signer hashes every delta so).</summary>
    /// <exception cref="ArgumentException">A field is out of range, as for <see cref="Encode"/>.</exception>
    public static byte[] LeafHashOf(long recordedAtUnixMs, long customerSeq, long? prevCustomerIndex, Int128 balanceAfter, ReadOnlySpan<byte> contentHash)
    {
        Span<byte> entry = stackalloc byte[Size];
        EncodeInto(recordedAtUnixMs, customerSeq, prevCustomerIndex, balanceAfter, contentHash, entry);
        return MerkleTree.HashLeaf(entry);
    }

    private static void EncodeInto(long recordedAtUnixMs, long customerSeq, long? prevCustomerIndex, Int128 balanceAfter, ReadOnlySpan<byte> contentHash, Span<byte> span)
    {
        if (recordedAtUnixMs < 0 || customerSeq < 1 || prevCustomerIndex is < 0 || contentHash.Length != MerkleTree.HashSize)
        {
            throw new ArgumentException("Entry fields out of range: time and previous index must be non-negative, sequence at least 1, content hash 32 bytes.");
        }

        span[0] = DeltaType;
        BinaryPrimitives.WriteUInt64BigEndian(span[1..], (ulong)recordedAtUnixMs);
        BinaryPrimitives.WriteUInt64BigEndian(span[9..], (ulong)customerSeq);
        BinaryPrimitives.WriteUInt64BigEndian(span[17..], prevCustomerIndex is long p ? (ulong)p + 1 : 0);
        BinaryPrimitives.WriteInt128BigEndian(span[25..], balanceAfter);
        contentHash.CopyTo(span[41..]);
        BinaryPrimitives.WriteUInt64BigEndian(span[73..], 0);
    }

    /// <summary>Reads an entry; anything but a well-formed version-1 delta entry is refused.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> entry, out LeafEntry? decoded)
    {
        decoded = null;
        if (entry.Length != Size || entry[0] != DeltaType || BinaryPrimitives.ReadUInt64BigEndian(entry[73..]) != 0)
        {
            return false;
        }

        var recordedAt = BinaryPrimitives.ReadUInt64BigEndian(entry[1..]);
        var seq = BinaryPrimitives.ReadUInt64BigEndian(entry[9..]);
        var prev = BinaryPrimitives.ReadUInt64BigEndian(entry[17..]);
        if (recordedAt > long.MaxValue || seq is 0 or > long.MaxValue || prev > long.MaxValue)
        {
            return false;
        }

        decoded = new LeafEntry((long)recordedAt, (long)seq, prev == 0 ? null : (long)prev - 1,
            BinaryPrimitives.ReadInt128BigEndian(entry[25..]), entry.Slice(41, MerkleTree.HashSize).ToArray());
        return true;
    }
}
