using System.Text;
using System.Text.Json;

namespace PacSpace.Ledger.Tests;

/// <summary>Closing-balance leaves and the signed period statement; expected bytes computed independently with Python's hashlib and json.</summary>
public sealed class PeriodProofTests
{
    [Fact]
    public void BalanceLeaf_Encodes65BytesBigEndianWithTheCustomerIdHash()
    {
        var leaf = new BalanceLeaf("team/a", 5, 41, 35);
        Assert.Equal("0265f838a2fbff37d81a09242f44268f116e339d56e03dec44785d0badda4b13410000000000000005000000000000002900000000000000000000000000000023",
            Hex.Encode(leaf.Encode()));
        Assert.Equal("eb0935b85ba305ace802ab642102b52a0618454fbcd6b3990dfb30b362ca3340", Hex.Encode(leaf.LeafHash()));
        Assert.Equal("023e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d00000000000000010000000000000000fffffffffffffffffffffffffffffff9",
            Hex.Encode(new BalanceLeaf("b", 1, 0, -7).Encode()));
    }

    [Fact]
    public void BalanceLeaves_OrderedByCustomerIdHash_RootMatchesAndProofsVerify()
    {
        var ordered = BalanceLeaf.Order([new BalanceLeaf("team/a", 5, 41, 35), new BalanceLeaf("b", 1, 0, -7)]);
        Assert.Equal(["b", "team/a"], ordered.Select(l => l.CustomerId));
        var root = BalanceLeaf.Root(ordered);
        Assert.Equal("33b9a304ff9729c607c230cbeeff29c8eb0ea19ee1071c6dae9a23d63c4207ee", Hex.Encode(root));

        var hashes = ordered.Select(l => l.LeafHash()).ToList();
        for (var i = 0; i < hashes.Count; i++)
        {
            Assert.True(MerkleTree.VerifyInclusion(i, hashes.Count, hashes[i], MerkleTree.InclusionProof(hashes, i), root));
        }

        // A different closing balance is a different leaf: its proof fails.
        var forged = new BalanceLeaf("team/a", 5, 41, 36).LeafHash();
        Assert.False(MerkleTree.VerifyInclusion(1, 2, forged, MerkleTree.InclusionProof(hashes, 1), root));
        Assert.Throws<ArgumentException>(() => new BalanceLeaf("x", 0, 0, 1).Encode());
    }

    [Fact]
    public void PeriodStatement_SignedOverPrefixAndJcs_VerifiesAndRefusesAnyChange()
    {
        var statement = new PeriodStatement("example.org/t/sandbox", "2026-10", new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), 0, 2, Filled(0xaa), Filled(0xbb), Filled(0xcc), 2, 2, -12,
            new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));
        using var served = JsonDocument.Parse(statement.ToJson());
        var expectedJcs = """{"balancesRoot":"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc","closedAt":"2026-11-01T00:00:00.000Z","customerCount":2,"deltaCount":2,"endDate":"2026-11-01T00:00:00.000Z","fromSize":0,"netChange":"-12","origin":"example.org/t/sandbox","period":"2026-10","prevRoot":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","rootHash":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","startDate":"2026-10-01T00:00:00.000Z","toSize":2,"v":1}""";
        Assert.Equal("pacspace-period/v1\n" + expectedJcs, Encoding.UTF8.GetString(PeriodStatement.SigningInput(served.RootElement)));

        using var key = LogSigningKey.Generate();
        var signature = statement.Sign(key);
        Assert.True(PeriodStatement.Verify(served.RootElement, signature, key.PublicKey));

        // Key order and whitespace do not matter (JCS); a changed value, another key or a cut signature do.
        using var reordered = JsonDocument.Parse(expectedJcs.Replace(",", ",\n", StringComparison.Ordinal));
        Assert.True(PeriodStatement.Verify(reordered.RootElement, signature, key.PublicKey));
        using var changed = JsonDocument.Parse(expectedJcs.Replace("\"-12\"", "\"-11\"", StringComparison.Ordinal));
        Assert.False(PeriodStatement.Verify(changed.RootElement, signature, key.PublicKey));
        using var other = LogSigningKey.Generate();
        Assert.False(PeriodStatement.Verify(served.RootElement, signature, other.PublicKey));
        Assert.False(PeriodStatement.Verify(served.RootElement, signature[..63], key.PublicKey));
        using var notObject = JsonDocument.Parse("[1]");
        Assert.False(PeriodStatement.Verify(notObject.RootElement, signature, key.PublicKey));
    }

    private static byte[] Filled(byte b) => Enumerable.Repeat(b, 32).ToArray();
}
