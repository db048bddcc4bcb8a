using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Ledger;
using PacSpace.Plane.Features.Deltas;
using PacSpace.Plane.Features.Records;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Verify;

/// <summary>
/// A receipt checked against its log: the entry (a delta's, or a record entry's), its inclusion proof at the latest signed
/// head, and the log's key.
/// </summary>
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
        if (ids.PlaceOfEntryReceipt(receiptId) is { } place)
        {
            return await RecordEntryAsync(connection, place.LedgerNo, place.LogIndex, receiptId, ct);
        }

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

    /// <summary>
    /// A record entry's receipt (Records API): the same shape, its 66-byte entry and proof; <c>status</c> in the record's words
    /// (<c>queued</c>, <c>committed</c>). Like a delta's, never what the entry says.
    /// </summary>
    private async Task<Result<ReceiptView>> RecordEntryAsync(System.Data.Common.DbConnection connection, long ledgerNo, long logIndex, string receiptId, CancellationToken ct)
    {
        var row = (await RecordStore.AtAsync(connection, db.Provider, ledgerNo, [logIndex], ct)).SingleOrDefault();
        var ledger = row is null ? null : await TenantLedgerStore.PublicLogByNumberAsync(connection, ledgerNo, ct);
        if (row is null || ledger is null)
        {
            return Error.NotFound("receipt");
        }

        var hash = Hex.Encode(row.ContentHash);
        if (logIndex >= ledger.TreeSize)
        {
            return new ReceiptView(false, receiptId, RecordViews.Queued, null, null, null, null, null, hash, null, null, null, null);
        }

        var entry = row.Entry().Encode();
        var proof = MerkleTree.InclusionProof(ledger.TreeSize, logIndex, TileStore.Reader(connection, ledger.TenantId));
        return new ReceiptView(true, receiptId, RecordViews.Committed, ledger.Origin, logIndex, ledger.TreeSize, Convert.ToBase64String(entry),
            Hex.Encode(MerkleTree.HashLeaf(entry)), hash, proof.Select(h => Hex.Encode(h)).ToList(), ledger.Checkpoint, ledger.PublicKey,
            SignedNote.VerifierKey(ledger.KeyName, Convert.FromBase64String(ledger.PublicKey)));
    }
}
