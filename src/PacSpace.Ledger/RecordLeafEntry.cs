using System.Buffers.Binary;

namespace PacSpace.Ledger;

/// <summary>
/// The fixed binary log entry of a record's entry, version 1 (66 bytes, big-endian), in the same log as deltas:
/// <c>type(1)=0x02 ‖ recordedAtUnixMs(u64) ‖ seq(u64) ‖ prevRecordIndex+1(u64) ‖ lifecycle(u8: 1 recorded, 2 amended,
/// 3 closed) ‖ contentHash(32) ‖ reserved(u64)=0</c>. <c>seq</c> (from 0, as on the wire and in the content hash) and
/// <c>prevRecordIndex</c> chain one record's entries the way <c>customerSeq</c> chains a customer's deltas.
/// </summary>
/// <param name="RecordedAtUnixMs">When the plane appended the entry (milliseconds since the Unix epoch).</param>
/// <param name="Seq">0, 1, 2… per record.</param>
/// <param name="PrevRecordIndex">Log index of the record's previous entry, or <see langword="null"/> for its first.</param>
/// <param name="Lifecycle">Recorded, amended or closed.</param>
/// <param name="ContentHash">The entry's content hash (<see cref="RecordContent.ContentHash"/>, 32 bytes).</param>
public sealed record RecordLeafEntry(long RecordedAtUnixMs, long Seq, long? PrevRecordIndex, RecordLifecycle Lifecycle, byte[] ContentHash)
{
    /// <summary>Length of an encoded entry.</summary>
    public const int Size = 66;

    /// <summary>Entry type byte of a record's entry (a delta's is <see cref="LeafEntry.DeltaType"/>).</summary>
    public const byte RecordType = 0x02;

    /// <summary>The 66 bytes.</summary>
    /// <exception cref="ArgumentException">A field is out of range (negative time, sequence or index, unknown lifecycle, content hash not 32 bytes).</exception>
    public byte[] Encode()
    {
        if (RecordedAtUnixMs < 0 || Seq < 0 || PrevRecordIndex is < 0 || !Enum.IsDefined(Lifecycle) || ContentHash is not { Length: MerkleTree.HashSize })
        {
            throw new ArgumentException("Entry fields out of range: time, sequence and previous index must be non-negative, the lifecycle known, the content hash 32 bytes.");
        }

        var entry = new byte[Size];
        var span = entry.AsSpan();
        span[0] = RecordType;
        BinaryPrimitives.WriteUInt64BigEndian(span[1..], (ulong)RecordedAtUnixMs);
        BinaryPrimitives.WriteUInt64BigEndian(span[9..], (ulong)Seq);
        BinaryPrimitives.WriteUInt64BigEndian(span[17..], PrevRecordIndex is long p ? (ulong)p + 1 : 0);
        span[25] = (byte)Lifecycle;
        ContentHash.CopyTo(span[26..]);
        BinaryPrimitives.WriteUInt64BigEndian(span[58..], 0);
        return entry;
    }

    /// <summary>The RFC 6962 leaf hash of the encoded entry.</summary>
    public byte[] LeafHash() => MerkleTree.HashLeaf(Encode());

    /// <summary>Reads an entry; anything but a well-formed version-1 record entry is refused.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> entry, out RecordLeafEntry? decoded)
    {
        decoded = null;
        if (entry.Length != Size || entry[0] != RecordType || BinaryPrimitives.ReadUInt64BigEndian(entry[58..]) != 0
            || !Enum.IsDefined((RecordLifecycle)entry[25]))
        {
            return false;
        }

        var recordedAt = BinaryPrimitives.ReadUInt64BigEndian(entry[1..]);
        var seq = BinaryPrimitives.ReadUInt64BigEndian(entry[9..]);
        var prev = BinaryPrimitives.ReadUInt64BigEndian(entry[17..]);
        if (recordedAt > long.MaxValue || seq > long.MaxValue || prev > long.MaxValue)
        {
            return false;
        }

        decoded = new RecordLeafEntry((long)recordedAt, (long)seq, prev == 0 ? null : (long)prev - 1, (RecordLifecycle)entry[25],
            entry.Slice(26, MerkleTree.HashSize).ToArray());
        return true;
    }
}
