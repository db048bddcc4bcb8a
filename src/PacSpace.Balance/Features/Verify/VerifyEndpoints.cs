using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PacSpace.Balance.Sequencing;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;
using PacSpace.Ledger;

namespace PacSpace.Balance.Features.Verify;

/// <summary>Public verification routes: no key, hashes and proofs only, never a delta's contents.</summary>
internal static class VerifyEndpoints
{
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

    public static void Map(WebApplication app)
    {
        var verify = app.MapGroup("/api/v1/verify").WithTags("Verify");
        verify.MapGet("/receipt/{receiptId}", ReceiptAsync).Produces<ReceiptView>();
    }

    private static async Task<IResult> ReceiptAsync(string receiptId, Database db, CancellationToken ct)
    {
        if (!Ids.IsValid(receiptId, "rcp"))
        {
            return Envelope.Fail(Error.NotFound("receipt"));
        }

        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<ReceiptRow>(new CommandDefinition(
            """
            SELECT d.tenant_id, d.status, d.content_hash, d.log_index, d.customer_seq, d.prev_index, d.balance_after, d.recorded_at,
                   l.origin, l.key_name, l.public_key, l.tree_size, l.checkpoint
            FROM deltas d JOIN tenant_ledgers l ON l.tenant_id = d.tenant_id
            WHERE d.receipt_id = @receiptId
            """, new { receiptId }, cancellationToken: ct));
        if (row is null)
        {
            return Envelope.Fail(Error.NotFound("receipt"));
        }

        if (row.log_index is not long index)
        {
            return Envelope.Ok(new ReceiptView(false, receiptId, row.status, null, null, null, null, null, row.content_hash, null, null, null, null));
        }

        var entry = new LeafEntry(row.recorded_at!.Value, row.customer_seq!.Value, row.prev_index, row.balance_after!.Value, Convert.FromHexString(row.content_hash)).Encode();
        // Proved against the latest signed head; complete tiles never change, so reading them after the head is safe.
        var proof = MerkleTree.InclusionProof(row.tree_size, index, Tiles.Reader(new TileWriter(connection, null, row.tenant_id)));
        var publicKey = Convert.FromBase64String(row.public_key);
        return Envelope.Ok(new ReceiptView(true, receiptId, row.status, row.origin, index, row.tree_size, Convert.ToBase64String(entry),
            Hex.Encode(MerkleTree.HashLeaf(entry)), row.content_hash, proof.Select(h => Hex.Encode(h)).ToList(), row.checkpoint,
            row.public_key, SignedNote.VerifierKey(row.key_name, publicKey)));
    }

    private sealed class ReceiptRow
    {
        public string tenant_id { get; set; } = "";

        public string status { get; set; } = "";

        public string content_hash { get; set; } = "";

        public long? log_index { get; set; }

        public long? customer_seq { get; set; }

        public long? prev_index { get; set; }

        public long? balance_after { get; set; }

        public long? recorded_at { get; set; }

        public string origin { get; set; } = "";

        public string key_name { get; set; } = "";

        public string public_key { get; set; } = "";

        public long tree_size { get; set; }

        public string checkpoint { get; set; } = "";
    }
}
