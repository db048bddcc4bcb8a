using System.Data.Common;
using System.Text.Json;
using PacSpace.Ledger;
using PacSpace.Plane.Features.Deltas;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Records;

/// <summary>
/// How record entries are answered. An entry's <c>status</c> is <c>queued</c> until a signed head covers it, then
/// <c>committed</c> (lower case: the official client's <c>records.check</c> reads these words as they come); a refused
/// transition is a 4xx answer and is never stored, so no entry is ever <c>failed</c>.
/// </summary>
internal static class RecordViews
{
    public const string Queued = "queued";
    public const string Committed = "committed";

    /// <summary>What an accepted transition is answered (201), and a retry of it (the same bytes).</summary>
    /// <param name="Status"><c>QUEUED</c>: durable, not yet covered by a signed head (the word the official client's fixture shows).</param>
    public sealed record EmitView(string ReceiptId, string RecordType, string EntityId, string RecordKey, string Status, long Seq, string Lifecycle, string ContentHash,
        DateTimeOffset RecordedAt);

    /// <summary>
    /// One entry's receipt: what it says (<c>recordContent</c>, the content as sent; <c>sealedRecord</c>, the whole object its
    /// content hash covers) and, once committed, the 66-byte log entry, its inclusion proof and the signed head, for an
    /// offline check (<c>pacspace verify --record</c>). The proof fields are null while the entry is queued. <c>verifyUrl</c> is the
    /// receipt's verification page, <c>verificationApiUrl</c> its public JSON route (both paths on the address the caller used).
    /// </summary>
    public sealed record ReceiptView(
        string ReceiptId,
        string Status,
        string RecordType,
        string EntityId,
        string RecordKey,
        long Seq,
        string Lifecycle,
        string ContentHash,
        DateTimeOffset RecordedAt,
        JsonElement RecordContent,
        JsonElement SealedRecord,
        bool Verified,
        DateTimeOffset? CommittedAt,
        string? Origin,
        long? Index,
        long? TreeSize,
        string? Entry,
        string? LeafHash,
        IReadOnlyList<string>? InclusionProof,
        string? Checkpoint,
        string? PublicKey,
        string? VerifierKey,
        string VerifyUrl,
        string VerificationApiUrl);

    public static EmitView Emitted(RecordEntryRow row, string receiptId) =>
        new(receiptId, row.RecordType, row.EntityId, RecordKey.Format(row.RecordKey), "QUEUED", row.Seq, RecordLifecycles.Name(row.Stage), Hex.Encode(row.ContentHash),
            DateTimeOffset.FromUnixTimeMilliseconds(row.RecordedAt));

    /// <summary>The entry as its content hash covers it, rebuilt from the row.</summary>
    public static RecordContent Sealed(RecordEntryRow row, string tenantId, string env) =>
        new(tenantId, env, row.RecordType, row.EntityId, row.Seq, row.Stage, JsonElement.Parse(row.Content));

    /// <summary>
    /// The receipt of an entry of <paramref name="ledger"/>'s log: proved against its latest signed head when that covers it
    /// (complete tiles never change, so reading them after the head is safe).
    /// </summary>
    public static async Task<ReceiptView> ReceiptAsync(DbConnection c, EntryIds ids, RecordEntryRow row, TenantLedgerStore.PublicLog ledger, string env,
        CancellationToken ct)
    {
        var receiptId = ids.EntryReceiptId(row.LedgerNo, row.LogIndex);
        var sealedRecord = JsonElement.Parse(Sealed(row, ledger.TenantId, env).Canonical());
        var content = JsonElement.Parse(row.Content);
        var (key, hash, lifecycle, at) = (RecordKey.Format(row.RecordKey), Hex.Encode(row.ContentHash), RecordLifecycles.Name(row.Stage),
            DateTimeOffset.FromUnixTimeMilliseconds(row.RecordedAt));
        var (verifyUrl, apiUrl) = (Verify.VerifyPages.ReceiptPath(receiptId), "/api/v1/verify/receipt/" + receiptId);
        if (row.LogIndex >= ledger.TreeSize)
        {
            return new ReceiptView(receiptId, Queued, row.RecordType, row.EntityId, key, row.Seq, lifecycle, hash, at, content, sealedRecord, false, null,
                null, null, null, null, null, null, null, null, null, verifyUrl, apiUrl);
        }

        var head = await DeltaStore.HeadCoveringAsync(c, row.LedgerNo, row.LogIndex, ct);
        var entry = row.Entry().Encode();
        var proof = MerkleTree.InclusionProof(ledger.TreeSize, row.LogIndex, TileStore.Reader(c, ledger.TenantId));
        var publicKey = Convert.FromBase64String(ledger.PublicKey);
        return new ReceiptView(receiptId, Committed, row.RecordType, row.EntityId, key, row.Seq, lifecycle, hash, at, content, sealedRecord, true,
            head is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(head.SignedAt), ledger.Origin, row.LogIndex, ledger.TreeSize, Convert.ToBase64String(entry),
            Hex.Encode(MerkleTree.HashLeaf(entry)), proof.Select(h => Hex.Encode(h)).ToList(), ledger.Checkpoint, ledger.PublicKey,
            SignedNote.VerifierKey(ledger.KeyName, publicKey), verifyUrl, apiUrl);
    }
}
