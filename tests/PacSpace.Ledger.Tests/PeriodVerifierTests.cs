using System.Security.Cryptography;
using System.Text.Json;

namespace PacSpace.Ledger.Tests;

/// <summary>The offline check of a period checkpoint: a genuine one passes every step, and each kind of damage fails its own step.</summary>
public sealed class PeriodVerifierTests
{
    private const string Origin = "sandbox.pacspace.local/tnt_01kexample0000000000000000/sandbox";

    private static (PeriodProof Proof, LogSigningKey Key) Period(int fromSize, int toSize, Func<PeriodStatement, PeriodStatement>? shape = null)
    {
        var key = LogSigningKey.Generate();
        var leaves = Enumerable.Range(0, toSize).Select(i => MerkleTree.HashLeaf(SHA256.HashData(BitConverter.GetBytes(i)))).ToList();
        var root = MerkleTree.Root(leaves);
        var prevRoot = MerkleTree.Root(leaves.Take(fromSize).ToList());
        var consistency = fromSize == 0 ? [] : MerkleTree.ConsistencyProof(leaves, fromSize);
        var start = new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
        var statement = new PeriodStatement(Origin, "2026-10", start, start.AddMonths(1), fromSize, toSize, root, prevRoot, Enumerable.Repeat((byte)0xcc, 32).ToArray(),
            2, toSize - fromSize, -12, start.AddMonths(1));
        statement = shape?.Invoke(statement) ?? statement;
        var note = SignedNote.Sign(new Checkpoint(Origin, toSize, root).ToNoteBody(), Origin, key);
        var proof = new PeriodProof(Hex.Encode(root), Origin, note, JsonDocument.Parse(statement.ToJson()).RootElement.Clone(), statement.Sign(key), fromSize, toSize,
            Hex.Encode(prevRoot), consistency);
        return (proof, key);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0, 5)]
    [InlineData(3, 6)]
    [InlineData(4, 4)]
    [InlineData(8, 300)]
    public void Verify_GenuinePeriod_EveryStepPasses(int fromSize, int toSize)
    {
        var (proof, key) = Period(fromSize, toSize);
        var steps = PeriodVerifier.Verify(proof, key.PublicKey);
        Assert.True(PeriodVerifier.Passed(steps), string.Join("\n", steps));
        Assert.Equal(["signed head", "proof root", "statement signature", "statement", "consistency"], steps.Select(s => s.Name));
        Assert.True(PeriodVerifier.Passed(PeriodVerifier.Verify(proof, key.PublicKey, Origin, "0x" + proof.ProofRoot.ToUpperInvariant())));
    }

    [Fact]
    public void Verify_EachDamage_FailsItsOwnStep()
    {
        var (proof, key) = Period(3, 6);
        using var other = LogSigningKey.Generate();
        var changedStatement = JsonDocument.Parse(proof.Statement.GetRawText().Replace("\"deltaCount\":3", "\"deltaCount\":4", StringComparison.Ordinal)).RootElement;
        var badConsistency = proof.Consistency.Select(h => (byte[])h.Clone()).ToList();
        badConsistency[0][0] ^= 1;

        AssertFailsAt("signed head", PeriodVerifier.Verify(proof, other.PublicKey), "signature does not verify with the log's key");
        AssertFailsAt("proof root", PeriodVerifier.Verify(proof, key.PublicKey, proofRoot: new string('a', 64)), "proof root does not match the signed head");
        AssertFailsAt("proof root", PeriodVerifier.Verify(proof, key.PublicKey, proofRoot: "not a root"), "proof root does not match the signed head");
        AssertFailsAt("statement signature", PeriodVerifier.Verify(proof with { Statement = changedStatement }, key.PublicKey),
            "the period statement's signature does not verify with the log's key");
        AssertFailsAt("consistency", PeriodVerifier.Verify(proof with { Consistency = badConsistency }, key.PublicKey),
            "the consistency proof from the previous checkpoint does not hold");
        AssertFailsAt("consistency", PeriodVerifier.Verify(proof with { FromSize = 2 }, key.PublicKey), "the consistency proof is not for the statement's range");
    }

    [Fact]
    public void Verify_SignedStatementOfAnotherSize_FailsTheStatementStep()
    {
        // Signed by the log's key, but it ends before the signed head: a statement of another checkpoint, not of this root.
        var (proof, key) = Period(3, 6, s => s with { ToSize = 5 });
        AssertFailsAt("statement", PeriodVerifier.Verify(proof, key.PublicKey), "the statement ends at size 5, the signed head is at size 6");

        var (otherRoot, otherKey) = Period(3, 6, s => s with { RootHash = new byte[32] });
        AssertFailsAt("statement", PeriodVerifier.Verify(otherRoot, otherKey.PublicKey), "proof root does not match the statement");
    }

    [Fact]
    public void Parse_ServedAnswer_EnvelopedOrNot_AndRefusesAnythingElse()
    {
        var (proof, key) = Period(3, 6);
        var answer = JsonSerializer.Serialize(new
        {
            verified = true, proofRoot = proof.ProofRoot, origin = proof.Origin, checkpoint = proof.Checkpoint, periodStatement = proof.Statement,
            signature = Convert.ToBase64String(proof.Signature),
            consistencyFromPrevious = new { fromSize = proof.FromSize, toSize = proof.ToSize, prevRoot = proof.PrevRoot, proof = proof.Consistency.Select(h => Hex.Encode(h)) },
        });
        foreach (var json in new[] { answer, $$"""{"success":true,"data":{{answer}}}""" })
        {
            Assert.True(PeriodVerifier.Passed(PeriodVerifier.Verify(PeriodProof.Parse(System.Text.Encoding.UTF8.GetBytes(json)), key.PublicKey)));
        }

        Assert.Throws<FormatException>(() => PeriodProof.Parse("""{"proofRoot":"x"}"""u8));
        Assert.Throws<FormatException>(() => PeriodProof.Parse("not json"u8));
    }

    private static void AssertFailsAt(string step, IReadOnlyList<VerificationStep> steps, string message)
    {
        Assert.False(PeriodVerifier.Passed(steps));
        var last = steps[^1];
        Assert.Equal(step, last.Name);
        Assert.False(last.Passed);
        Assert.Contains(message, last.Detail, StringComparison.Ordinal);
        Assert.All(steps.SkipLast(1), s => Assert.True(s.Passed, s.ToString()));
    }
}
