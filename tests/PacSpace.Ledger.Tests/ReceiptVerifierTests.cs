using System.Text;
using PacSpace.Ledger;

namespace PacSpace.Ledger.Tests;

public sealed class ReceiptVerifierTests
{
    private const string Origin = "sandbox.pacspace.local/tnt_01kexample0000000000000000/sandbox";

    private static (byte[] Delta, Receipt Receipt, LogSigningKey Key) Log(int size, int target)
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
