using System.Text;
using PacSpace.Ledger;

namespace PacSpace.Ledger.Tests;

public sealed class ReceiptVerifierTests
{
    private const string Origin = "sandbox.pacspace.local/tnt_01kexample0000000000000000/sandbox";

    private static (byte[] Delta, Receipt Receipt, LogSigningKey Key) Log(int size, int target, Func<DeltaContent, int, DeltaContent>? shape = null)
    {
        var key = LogSigningKey.Generate();
        var range = CompactRange.Empty();
        var store = new MemoryTileStore();
        var entries = new List<byte[]>();
        byte[] targetDelta = [];
        long balance = 0;
        for (var i = 0; i < size; i++)
        {
            var delta = new DeltaContent("tnt_01kexample0000000000000000", "sandbox", "cust_1", i + 1, $"usage {i}", null, null);
            delta = shape?.Invoke(delta, i) ?? delta;
            balance += i + 1;
            var entry = new LeafEntry(1_795_000_000_000 + i, i + 1, i == 0 ? null : i - 1, balance, delta.ContentHash()).Encode();
            entries.Add(entry);
            store.Write(range.Append(MerkleTree.HashLeaf(entry)));
            if (i == target)
            {
                targetDelta = delta.Canonical();
            }
        }

        var note = SignedNote.Sign(new Checkpoint(Origin, size, range.Root()).ToNoteBody(), Origin, key);
        var proof = MerkleTree.InclusionProof(size, target, Tiles.Reader(store));
        return (targetDelta, new Receipt("rcp_x", Origin, target, size, entries[target], proof, note), key);
    }

    [Fact]
    public void Verify_GenuineReceipt_EveryStepPasses()
    {
        var (delta, receipt, key) = Log(300, 123);
        using (key)
        {
            var steps = ReceiptVerifier.Verify(delta, receipt, key.PublicKey);
            Assert.True(ReceiptVerifier.Passed(steps), string.Join("\n", steps));
            Assert.Equal(["content hash", "entry", "leaf hash", "signed head", "inclusion proof"], steps.Select(s => s.Name));
        }
    }

    [Fact]
    public void Verify_DeltaWithOneByteChanged_FailsAtEntry()
    {
        var (delta, receipt, key) = Log(10, 4);
        using (key)
        {
            var text = Encoding.UTF8.GetString(delta).Replace("\"amount\":\"5\"", "\"amount\":\"6\"", StringComparison.Ordinal);
            var steps = ReceiptVerifier.Verify(Encoding.UTF8.GetBytes(text), receipt, key.PublicKey);
            Assert.False(ReceiptVerifier.Passed(steps));
            Assert.False(steps[^1].Passed);
            Assert.Equal("entry", steps[^1].Name);
        }
    }

    [Fact]
    public void Verify_OtherKeyMutatedProofOrEntry_Fails()
    {
        var (delta, receipt, key) = Log(50, 17);
        using (key)
        using (var other = LogSigningKey.Generate())
        {
            Assert.False(ReceiptVerifier.Passed(ReceiptVerifier.Verify(delta, receipt, other.PublicKey)));

            var proof = receipt.InclusionProof.Select(h => (byte[])h.Clone()).ToList();
            proof[2][0] ^= 1;
            Assert.False(ReceiptVerifier.Passed(ReceiptVerifier.Verify(delta, receipt with { InclusionProof = proof }, key.PublicKey)));

            var entry = (byte[])receipt.Entry.Clone();
            entry[30] ^= 1; // balanceAfter: same content hash, different entry
            var steps = ReceiptVerifier.Verify(delta, receipt with { Entry = entry }, key.PublicKey);
            Assert.Equal("inclusion proof", steps[^1].Name);
            Assert.False(steps[^1].Passed);

            Assert.False(ReceiptVerifier.Passed(ReceiptVerifier.Verify(delta, receipt with { Index = 18 }, key.PublicKey)));
            Assert.False(ReceiptVerifier.Passed(ReceiptVerifier.Verify(delta, receipt with { TreeSize = 49 }, key.PublicKey)));
        }
    }

    // Every third delta of the log corrects the one before it: content version 2 beside version 1.
    private static DeltaContent Corrections(DeltaContent delta, int i) =>
        i % 3 == 2 ? delta with { Adjusts = i % 2 == 0 ? DeltaAdjusts.ByReference($"ref-{i - 1}") : DeltaAdjusts.ByRecord("rec_01m4jtydpret18ybfy0zvkqwv5") } : delta;

    [Theory]
    [InlineData(20, 8, 2)]
    [InlineData(20, 11, 2)]
    [InlineData(20, 9, 1)]
    public void Verify_LogOfBothContentVersions_EveryStepPassesAndNamesTheVersion(int size, int target, int version)
    {
        var (delta, receipt, key) = Log(size, target, Corrections);
        using (key)
        {
            var steps = ReceiptVerifier.Verify(delta, receipt, key.PublicKey);
            Assert.True(ReceiptVerifier.Passed(steps), string.Join("\n", steps));
            Assert.StartsWith($"content version {version}", steps[0].Detail, StringComparison.Ordinal);
            Assert.Contains($"pacspace-delta/v{version}", steps[0].Detail, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("{\"referenceId\":\"ref-7\"}", "{\"referenceId\":\"ref-6\"}")]
    [InlineData("{\"referenceId\":\"ref-7\"}", "{\"recordId\":\"ref-7\"}")]
    [InlineData("{\"referenceId\":\"ref-7\"}", "{\"referenceId\":\"ref-7 \"}")]
    public void Verify_V2DeltaWithAdjustsChanged_FailsAtEntry(string sent, string changed)
    {
        var (delta, receipt, key) = Log(12, 8, Corrections);
        using (key)
        {
            var text = Encoding.UTF8.GetString(delta);
            Assert.Contains(sent, text, StringComparison.Ordinal);
            var steps = ReceiptVerifier.Verify(Encoding.UTF8.GetBytes(text.Replace(sent, changed, StringComparison.Ordinal)), receipt, key.PublicKey);
            Assert.False(ReceiptVerifier.Passed(steps));
            Assert.Equal("entry", steps[^1].Name);
            Assert.False(steps[^1].Passed);
        }
    }

    [Fact]
    public void Verify_V2DeltaPresentedAsV1OrWithoutAdjusts_Fails()
    {
        var (delta, receipt, key) = Log(12, 8, Corrections);
        using (key)
        {
            var parsed = DeltaContent.Parse(delta);
            // The same fields as version 1 hash to something else (the prefix and the members differ).
            var asV1 = (parsed with { Adjusts = null }).Canonical();
            var steps = ReceiptVerifier.Verify(asV1, receipt, key.PublicKey);
            Assert.Equal(("entry", false), (steps[^1].Name, steps[^1].Passed));

            // A version 2 delta without its adjusts, or a version 1 delta with one, is not a delta at all.
            var text = Encoding.UTF8.GetString(delta);
            var noAdjusts = Encoding.UTF8.GetBytes(text.Replace("\"adjusts\":{\"referenceId\":\"ref-7\"},", "", StringComparison.Ordinal));
            var missing = ReceiptVerifier.Verify(noAdjusts, receipt, key.PublicKey).Single();
            Assert.Equal(("content hash", false), (missing.Name, missing.Passed));
            var v1WithAdjusts = Encoding.UTF8.GetBytes(text.Replace("\"v\":2", "\"v\":1", StringComparison.Ordinal));
            var refused = ReceiptVerifier.Verify(v1WithAdjusts, receipt, key.PublicKey).Single();
            Assert.False(refused.Passed);
            Assert.Contains("version 1 delta has no adjusts", refused.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Parse_EnvelopedJson_ReadsEveryField()
    {
        var (_, receipt, key) = Log(5, 2);
        using (key)
        {
            var proof = string.Join(",", receipt.InclusionProof.Select(h => $"\"{Hex.Encode(h)}\""));
            var checkpoint = System.Text.Json.JsonSerializer.Serialize(receipt.Checkpoint);
            var json = "{\"success\":true,\"data\":{\"verified\":true,\"receiptId\":\"rcp_x\",\"origin\":\"" + Origin + "\",\"index\":2,\"treeSize\":5,"
                + "\"entry\":\"" + Convert.ToBase64String(receipt.Entry) + "\",\"inclusionProof\":[" + proof + "],\"checkpoint\":" + checkpoint + "}}";
            var parsed = Receipt.Parse(Encoding.UTF8.GetBytes(json));
            Assert.Equal(receipt.Entry, parsed.Entry);
            Assert.Equal(receipt.InclusionProof, parsed.InclusionProof);
            Assert.Equal(receipt.Checkpoint, parsed.Checkpoint);
            Assert.Throws<FormatException>(() => Receipt.Parse("{\"data\":{}}"u8));
        }
    }
}
