using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Ledger;
using PacSpace.Plane.Features.Deltas;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Verify;

/// <summary>A delta's receipt checked against its log: the entry, its inclusion proof at the latest signed head, and the log's key.</summary>
internal sealed class VerifyReceipt(Database db, EntryIds ids)
{
    public sealed record Input(string ReceiptId);

    public sealed record ReceiptView(
        bool Verified,
        string ReceiptId,
        string Status,
        string? Origin,
        long? Index,
        long? TreeSize,
        string? Entry,
        string? LeafHash,
        string ContentHash,
        IReadOnlyList<string>? InclusionProof,
        string? Checkpoint,
        string? PublicKey,
        string? VerifierKey);

    public async Task<Result<ReceiptView>> HandleAsync(Input input, CancellationToken ct)
    {
        var receiptId = input.ReceiptId;
        if (!Ids.IsValid(receiptId, "rcp"))
        {
            return Error.NotFound("receipt");
        }

        await using var connection = await db.OpenAsync(ct);
        var row = await DeltaStore.FindByReceiptAsync(connection, ids, receiptId, ct);
        var ledger = row is null ? null : await TenantLedgerStore.PublicLogByNumberAsync(connection, row.LedgerNo, ct);
        if (row is null || ledger is null)
        {
            return Error.NotFound("receipt");
        }

        row.Finish(ids, ledger.TreeSize);
        if (row.Status != DeltaStatus.Verified)
        {
            // Committed, but no signed head covers it yet: nothing to prove it against.
            return new ReceiptView(false, receiptId, row.Status, null, null, null, null, null, row.ContentHashHex, null, null, null, null);
        }

        var index = row.LogIndex;
        var entry = row.Entry().Encode();
        // Proved against the latest signed head; complete tiles never change, so reading them after the head is safe.
        var proof = MerkleTree.InclusionProof(ledger.TreeSize, index, TileStore.Reader(connection, ledger.TenantId));
        var publicKey = Convert.FromBase64String(ledger.PublicKey);
        return new ReceiptView(true, receiptId, row.Status, ledger.Origin, index, ledger.TreeSize, Convert.ToBase64String(entry),
            Hex.Encode(MerkleTree.HashLeaf(entry)), row.ContentHashHex, proof.Select(h => Hex.Encode(h)).ToList(), ledger.Checkpoint,
            ledger.PublicKey, SignedNote.VerifierKey(ledger.KeyName, publicKey));
    }
}
