using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Ledger;
using PacSpace.Plane.Features.Deltas;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Verify;

/// <summary>A delta's receipt checked against its log: the entry, its inclusion proof at the latest signed head, and the log's key.</summary>
internal sealed class VerifyReceipt(Database db)
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
        // The delta first, then its log's head: the head read is at least as new as the delta's entry.
        var row = await DeltaStore.FindByReceiptAsync(connection, receiptId, ct);
        var ledger = row is null ? null : await TenantLedgerStore.PublicLogAsync(connection, row.TenantId, ct);
        if (row is null || ledger is null)
        {
            return Error.NotFound("receipt");
        }

        if (row.LogIndex is not long index)
        {
            return new ReceiptView(false, receiptId, row.Status, null, null, null, null, null, row.ContentHash, null, null, null, null);
        }

        var entry = new LeafEntry(row.RecordedAt!.Value, row.CustomerSeq!.Value, row.PrevIndex, row.BalanceAfter!.Value, Convert.FromHexString(row.ContentHash)).Encode();
        // Proved against the latest signed head; complete tiles never change, so reading them after the head is safe.
        var proof = MerkleTree.InclusionProof(ledger.TreeSize, index, TileStore.Reader(connection, row.TenantId));
        var publicKey = Convert.FromBase64String(ledger.PublicKey);
        return new ReceiptView(true, receiptId, row.Status, ledger.Origin, index, ledger.TreeSize, Convert.ToBase64String(entry),
            Hex.Encode(MerkleTree.HashLeaf(entry)), row.ContentHash, proof.Select(h => Hex.Encode(h)).ToList(), ledger.Checkpoint,
            ledger.PublicKey, SignedNote.VerifierKey(ledger.KeyName, publicKey));
    }
}
