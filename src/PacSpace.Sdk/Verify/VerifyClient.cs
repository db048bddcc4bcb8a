using System.Text.Json;
using PacSpace.Ledger;
using PacSpace.Sdk.Balance;
using PacSpace.Sdk.Http;

namespace PacSpace.Sdk.Verify;

/// <summary>The public verification routes (no API key is sent) and offline checks that trust nobody.</summary>
/// <remarks>The routes are virtual, for test doubles; the offline checks are static and need no double.</remarks>
public class VerifyClient
{
    private readonly ApiTransport? _api;

    internal VerifyClient(ApiTransport api) => _api = api;

    /// <summary>For mocking: a client with no connection. A subclass overrides the routes its test uses; the others throw <see cref="InvalidOperationException"/>.</summary>
    protected VerifyClient()
    {
    }

    private ApiTransport Api => _api ?? throw TestDouble.NotConnected(this);

    /// <summary>The signed facts behind a proof root (as printed on an invoice). The server's <c>Verified</c> flag is a convenience; check with <see cref="CheckPeriod"/> against a pinned key.</summary>
    public virtual Task<ProofRootVerification> GetProofRootAsync(string proofRoot, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(proofRoot);
        return Api.SendAsync<ProofRootVerification>(HttpMethod.Get, ApiRoutes.Verify + "/" + Query.Segment(proofRoot), null, CallOptions.Public, cancellationToken);
    }

    /// <summary>The receipt of one delta: entry, inclusion proof and the signed head covering it, as raw JSON for <see cref="CheckReceipt"/>.</summary>
    public virtual Task<JsonElement> GetReceiptAsync(string receiptId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(receiptId);
        return Api.SendForDataAsync(HttpMethod.Get, ApiRoutes.Verify + "/receipt/" + Query.Segment(receiptId), null, CallOptions.Public, cancellationToken);
    }

    /// <summary>
    /// Checks a delta offline: its canonical content hashes to the receipt's content hash, the 81-byte entry holds it, the
    /// entry's leaf is in the tree by the inclusion proof, and the tree head is signed by <paramref name="publicKey"/>.
    /// </summary>
    /// <param name="content">The canonical delta (<see cref="DeltaStatus.Content"/>) the counterparty holds.</param>
    /// <param name="receipt">The receipt (<see cref="GetReceiptAsync"/>), enveloped or not.</param>
    /// <param name="publicKey">The log's Ed25519 public key (32 bytes), pinned from a source you trust.</param>
    /// <returns>Each step with its outcome; the delta is proven only if all passed (<see cref="OfflineCheck.Passed"/>).</returns>
    public static OfflineCheck CheckReceipt(JsonElement content, JsonElement receipt, ReadOnlySpan<byte> publicKey)
    {
        var parsed = Receipt.Parse(JsonSerializer.SerializeToUtf8Bytes(receipt));
        var steps = ReceiptVerifier.Verify(JsonSerializer.SerializeToUtf8Bytes(content), parsed, publicKey);
        return new OfflineCheck(steps.Select(s => new OfflineStep(s.Name, s.Passed, s.Detail)).ToList(), ReceiptVerifier.Passed(steps));
    }

    /// <summary>
    /// Checks a period offline: the note at <c>toSize</c> and the period statement are signed by <paramref name="publicKey"/>,
    /// both carry the proof root, and the consistency proof links the log at the window's start to it. With a
    /// <paramref name="balance"/>, also that the customer's closing balance is a leaf of the statement's <c>balancesRoot</c>.
    /// </summary>
    public static OfflineCheck CheckPeriod(ProofRootVerification period, ReadOnlySpan<byte> publicKey, BalanceProof? balance = null)
    {
        ArgumentNullException.ThrowIfNull(period);
        var steps = new List<OfflineStep>();
        var noteOk = SignedNote.Verify(period.Checkpoint, period.Origin, publicKey, out var body) && Ledger.Checkpoint.TryParse(body, out var head)
            && head!.Size == period.TreeSize && Hex.Encode(head.RootHash) == period.ProofRoot;
        steps.Add(new OfflineStep("signed tree head", noteOk, noteOk ? $"size {period.TreeSize}, root {period.ProofRoot}" : "the note's signature, size or root does not match"));

        var statementOk = PeriodStatement.Verify(period.PeriodStatement, Convert.FromBase64String(period.Signature), publicKey)
            && Str(period.PeriodStatement, "rootHash") == period.ProofRoot;
        steps.Add(new OfflineStep("period statement", statementOk, statementOk ? "signed and about this proof root" : "signature or root does not match"));

        var c = period.ConsistencyFromPrevious;
        var consistencyOk = Hex.TryDecode(c.PrevRoot, out var prev) && Hex.TryDecode(period.ProofRoot, out var root)
            && (c.FromSize == 0 || MerkleTree.VerifyConsistency(c.FromSize, c.ToSize, prev, root, c.Proof.Select(Convert.FromHexString).ToList()));
        steps.Add(new OfflineStep("consistency", consistencyOk, consistencyOk ? $"log at {c.FromSize} is a prefix of the log at {c.ToSize}" : "the consistency proof fails"));

        if (balance is not null)
        {
            var balanceOk = Str(period.PeriodStatement, "balancesRoot") == balance.BalancesRoot && Hex.TryDecode(balance.Leaf, out var leaf)
                && MerkleTree.VerifyInclusion(balance.LeafIndex, balance.LeafCount, MerkleTree.HashLeaf(leaf), balance.Proof.Select(Convert.FromHexString).ToList(),
                    Convert.FromHexString(balance.BalancesRoot))
                && leaf.Length == BalanceLeaf.Size && (long)System.Buffers.Binary.BinaryPrimitives.ReadInt128BigEndian(leaf.AsSpan(49)) == balance.ClosingBalance;
            steps.Add(new OfflineStep("closing balance", balanceOk, balanceOk ? $"{balance.ClosingBalance} is leaf {balance.LeafIndex} of balancesRoot" : "the balance proof fails"));
        }

        return new OfflineCheck(steps, steps.All(s => s.Passed));
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
