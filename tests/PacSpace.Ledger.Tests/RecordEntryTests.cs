using System.Text;
using System.Text.Json;

namespace PacSpace.Ledger.Tests;

/// <summary>
/// Record entries (Records API) against the vectors in Vectors/record-entries.json, computed outside this code base: record
/// keys, canonical forms and content hashes, the 66-byte leaf entry and its leaf hash; and the receipt check of a record
/// entry in a log shared with deltas.
/// </summary>
public sealed class RecordEntryTests
{
    private static readonly Lazy<JsonElement> Vectors = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", "record-entries.json"))).RootElement.Clone());

    public static TheoryData<int> Records => [.. Enumerable.Range(0, Vectors.Value.GetProperty("records").GetArrayLength())];

    public static TheoryData<int> Leaves => [.. Enumerable.Range(0, Vectors.Value.GetProperty("leaves").GetArrayLength())];

    private static RecordContent Content(JsonElement v)
    {
        Assert.True(RecordLifecycles.TryParse(v.GetProperty("lifecycle").GetString(), out var lifecycle));
        return new RecordContent(v.GetProperty("tenant").GetString()!, v.GetProperty("env").GetString()!, v.GetProperty("recordType").GetString()!,
            v.GetProperty("entityId").GetString()!, v.GetProperty("seq").GetInt64(), lifecycle, v.GetProperty("content"));
    }

    [Theory]
    [MemberData(nameof(Records))]
    public void ContentHash_Vector_MatchesCanonicalFormHashAndKey(int i)
    {
        var v = Vectors.Value.GetProperty("records")[i];
        var record = Content(v);
        Assert.Equal(v.GetProperty("canonical").GetString(), Encoding.UTF8.GetString(record.Canonical()));
        Assert.Equal(v.GetProperty("contentHash").GetString(), Hex.Encode(record.ContentHash()));
        Assert.Equal(v.GetProperty("recordKey").GetString(), record.RecordKey);
        Assert.Equal(RecordKey.Length, record.RecordKey.Length);
    }

    [Theory]
    [MemberData(nameof(Records))]
    public void Parse_CanonicalFormOrIndented_HashesTheSame(int i)
    {
        var v = Vectors.Value.GetProperty("records")[i];
        var canonical = Encoding.UTF8.GetBytes(v.GetProperty("canonical").GetString()!);
        var indented = JsonSerializer.SerializeToUtf8Bytes(JsonDocument.Parse(canonical).RootElement, new JsonSerializerOptions { WriteIndented = true });
        Assert.Equal(v.GetProperty("contentHash").GetString(), Hex.Encode(RecordContent.Parse(canonical).ContentHash()));
        Assert.Equal(v.GetProperty("contentHash").GetString(), Hex.Encode(RecordContent.Parse(indented).ContentHash()));
    }

    [Theory]
    [InlineData("""{"v":2,"tenant":"t","env":"sandbox","recordType":"r","entityId":"e","seq":0,"lifecycle":"recorded","content":{}}""")]
    [InlineData("""{"v":1,"tenant":"t","env":"sandbox","recordType":"r","entityId":"e","seq":0,"lifecycle":"opened","content":{}}""")]
    [InlineData("""{"v":1,"tenant":"t","env":"sandbox","recordType":"r","entityId":"e","seq":-1,"lifecycle":"recorded","content":{}}""")]
    [InlineData("""{"v":1,"tenant":"t","env":"sandbox","recordType":"r","entityId":"e","seq":0,"lifecycle":"recorded","content":[]}""")]
    [InlineData("""{"v":1,"tenant":"t","env":"sandbox","recordType":"r","seq":0,"lifecycle":"recorded","content":{}}""")]
    [InlineData("not json")]
    public void Parse_NotARecordEntry_IsRefused(string json) =>
        Assert.Throws<JcsException>(() => RecordContent.Parse(Encoding.UTF8.GetBytes(json)));

    [Theory]
    [MemberData(nameof(Leaves))]
    public void LeafEntry_Vector_EncodesDecodesAndHashes(int i)
    {
        var v = Vectors.Value.GetProperty("leaves")[i];
        Assert.True(RecordLifecycles.TryParse(v.GetProperty("lifecycle").GetString(), out var lifecycle));
        var prev = v.GetProperty("prevRecordIndex");
        var leaf = new RecordLeafEntry(v.GetProperty("recordedAtUnixMs").GetInt64(), v.GetProperty("seq").GetInt64(),
            prev.ValueKind == JsonValueKind.Null ? null : prev.GetInt64(), lifecycle, Convert.FromHexString(v.GetProperty("contentHash").GetString()!));
        var encoded = leaf.Encode();
        Assert.Equal(RecordLeafEntry.Size, encoded.Length);
        Assert.Equal(v.GetProperty("entry").GetString(), Hex.Encode(encoded));
        Assert.Equal(v.GetProperty("leafHash").GetString(), Hex.Encode(leaf.LeafHash()));
        Assert.True(RecordLeafEntry.TryDecode(encoded, out var decoded));
        Assert.Equal((leaf.RecordedAtUnixMs, leaf.Seq, leaf.PrevRecordIndex, leaf.Lifecycle), (decoded!.RecordedAtUnixMs, decoded.Seq, decoded.PrevRecordIndex, decoded.Lifecycle));
        Assert.Equal(leaf.ContentHash, decoded.ContentHash);
        // Neither kind of entry reads as the other.
        Assert.False(LeafEntry.TryDecode(encoded, out _));
    }

    [Fact]
    public void LeafEntry_Malformed_IsRefused()
    {
        var good = new RecordLeafEntry(1, 0, null, RecordLifecycle.Recorded, new byte[32]).Encode();
        Assert.False(RecordLeafEntry.TryDecode(good.AsSpan(0, 65), out _));
        foreach (var (at, value) in new[] { (0, (byte)0x01), (25, (byte)0), (25, (byte)4), (65, (byte)1) })
        {
            var bad = (byte[])good.Clone();
            bad[at] = value;
            Assert.False(RecordLeafEntry.TryDecode(bad, out _), $"byte {at} = {value}");
        }

        Assert.Throws<ArgumentException>(() => new RecordLeafEntry(1, -1, null, RecordLifecycle.Recorded, new byte[32]).Encode());
        Assert.Throws<ArgumentException>(() => new RecordLeafEntry(1, 0, null, (RecordLifecycle)9, new byte[32]).Encode());
        Assert.Throws<ArgumentException>(() => new RecordLeafEntry(1, 0, null, RecordLifecycle.Closed, new byte[31]).Encode());
    }

    [Theory]
    [InlineData("0x934f751df8d7f48759cc787f7fb9d244e5f6d5cd84430a6a26618903d5ec105c", true)]
    [InlineData("0X934f751df8d7f48759cc787f7fb9d244e5f6d5cd84430a6a26618903d5ec105c", false)]
    [InlineData("0x934F751DF8D7F48759CC787F7FB9D244E5F6D5CD84430A6A26618903D5EC105C", false)]
    [InlineData("934f751df8d7f48759cc787f7fb9d244e5f6d5cd84430a6a26618903d5ec105c", false)]
    [InlineData("0x934f751df8d7f48759cc787f7fb9d244e5f6d5cd84430a6a26618903d5ec105", false)]
    [InlineData("0x934f751df8d7f48759cc787f7fb9d244e5f6d5cd84430a6a26618903d5ec105g", false)]
    [InlineData(null, false)]
    public void RecordKey_TryParse_AcceptsOnlyTheApisForm(string? text, bool accepted)
    {
        Assert.Equal(accepted, RecordKey.TryParse(text, out var hash));
        Assert.Equal(accepted ? 32 : 0, hash.Length);
    }

    /// <summary>A log of deltas and record entries interleaved; the receipt of the record entry at <paramref name="target"/>.</summary>
    private static (byte[] Record, Receipt Receipt, LogSigningKey Key) MixedLog(int size, int target)
    {
        const string origin = "sandbox.pacspace.local/tnt_x/sandbox";
        var key = LogSigningKey.Generate();
        var range = CompactRange.Empty();
        var store = new MemoryTileStore();
        var entries = new List<byte[]>();
        byte[] record = [];
        long? prevRecord = null;
        long seq = 0;
        for (var i = 0; i < size; i++)
        {
            byte[] entry;
            if (i % 3 == 2 || i == target)
            {
                var content = new RecordContent("tnt_x", "sandbox", "machine-action-record", "build-1", seq, seq == 0 ? RecordLifecycle.Recorded : RecordLifecycle.Amended,
                    JsonDocument.Parse($$"""{"title":"step {{seq}}","occurredAt":"2026-10-01T12:00:00Z","actorId":"ci","payloads":[]}""").RootElement);
                entry = new RecordLeafEntry(1_795_000_000_000 + i, seq, prevRecord, content.Lifecycle, content.ContentHash()).Encode();
                if (i == target)
                {
                    record = content.Canonical();
                }

                prevRecord = i;
                seq++;
            }
            else
            {
                entry = new LeafEntry(1_795_000_000_000 + i, i + 1, null, i, new DeltaContent("tnt_x", "sandbox", "c", 1, "r", null, null).ContentHash()).Encode();
            }

            entries.Add(entry);
            store.Write(range.Append(MerkleTree.HashLeaf(entry)));
        }

        var note = SignedNote.Sign(new Checkpoint(origin, size, range.Root()).ToNoteBody(), origin, key);
        return (record, new Receipt("rcp_x", origin, target, size, entries[target], MerkleTree.InclusionProof(size, target, Tiles.Reader(store)), note), key);
    }

    [Fact]
    public void VerifyRecord_GenuineReceiptInAMixedLog_EveryStepPasses()
    {
        var (record, receipt, key) = MixedLog(40, 17);
        using (key)
        {
            var steps = ReceiptVerifier.VerifyRecord(record, receipt, key.PublicKey);
            Assert.True(ReceiptVerifier.Passed(steps), string.Join("\n", steps));
            Assert.Equal(["content hash", "entry", "leaf hash", "signed head", "inclusion proof"], steps.Select(s => s.Name));
            // The record entry is no delta entry.
            Assert.False(ReceiptVerifier.Passed(ReceiptVerifier.Verify(record, receipt, key.PublicKey)));
        }
    }

    [Fact]
    public void VerifyRecord_AnyOneByteOfTheEntryJsonChanged_Fails()
    {
        var (record, receipt, key) = MixedLog(20, 11);
        using (key)
        {
            var text = Encoding.UTF8.GetString(record);
            var failed = 0;
            for (var i = 0; i < text.Length; i++)
            {
                var changed = text[..i] + (char)(text[i] == 'x' ? 'y' : text[i] == '0' ? '1' : 'x') + text[(i + 1)..];
                var steps = ReceiptVerifier.VerifyRecord(Encoding.UTF8.GetBytes(changed), receipt, key.PublicKey);
                Assert.False(ReceiptVerifier.Passed(steps), changed);
                failed++;
            }

            Assert.Equal(text.Length, failed);
        }
    }

    [Fact]
    public void VerifyRecord_ChangedSeqLifecycleProofOrKey_Fails()
    {
        var (record, receipt, key) = MixedLog(20, 8);
        using (key)
        using (var other = LogSigningKey.Generate())
        {
            var entry = RecordContent.Parse(record);
            var otherSeq = (entry with { Seq = entry.Seq + 1 }).Canonical();
            Assert.Equal("entry", ReceiptVerifier.VerifyRecord(otherSeq, receipt, key.PublicKey)[^1].Name);
            var closed = (entry with { Lifecycle = RecordLifecycle.Closed }).Canonical();
            Assert.False(ReceiptVerifier.Passed(ReceiptVerifier.VerifyRecord(closed, receipt, key.PublicKey)));
            Assert.False(ReceiptVerifier.Passed(ReceiptVerifier.VerifyRecord(record, receipt, other.PublicKey)));
            var proof = receipt.InclusionProof.Select(h => (byte[])h.Clone()).ToList();
            proof[0][0] ^= 1;
            Assert.False(ReceiptVerifier.Passed(ReceiptVerifier.VerifyRecord(record, receipt with { InclusionProof = proof }, key.PublicKey)));
            var bent = (byte[])receipt.Entry.Clone();
            bent[3] ^= 1;
            Assert.False(ReceiptVerifier.Passed(ReceiptVerifier.VerifyRecord(record, receipt with { Entry = bent }, key.PublicKey)));
        }
    }
}
