using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using System.Text.Json;
using PacSpace.Plane.Features.Checkpoints;
using PacSpace.Plane.Features.Scopes;
using PacSpace.Plane.Sequencing;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;
using PacSpace.Ledger;

namespace PacSpace.Plane.Features.Verify;

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

    public sealed record SummaryView(long DeltaCount, long NetChange, long CustomerCount);

    public sealed record ProofRootView(
        bool Verified,
        string ProofRoot,
        string Origin,
        string Period,
        long TreeSize,
        string RootHash,
        string Checkpoint,
        JsonElement PeriodStatement,
        string Signature,
        string PublicKey,
        string VerifierKey,
        CheckpointEndpoints.ConsistencyView ConsistencyFromPrevious,
        SummaryView Summary,
        string Source,
        object? Anchor,
        string Message);

    public sealed record KeyView(string Origin, string KeyName, string Algorithm, string PublicKey, string VerifierKey, long TreeSize, string Checkpoint);

    public static void Map(WebApplication app)
    {
        var verify = app.MapGroup("/api/v1/verify").WithTags("Verify");
        verify.MapGet("/receipt/{receiptId}", ReceiptAsync).Produces<ReceiptView>();
        verify.MapGet("/keys/{**origin}", KeyAsync).Produces<KeyView>();
        verify.MapGet("/{proofRoot}", ProofRootAsync).Produces<ProofRootView>().QueryParameters(("source", "db (default), chain or both"));
    }

    /// <summary>
    /// What a third party needs to check a period checkpoint offline: the signed note at <c>toSize</c>, the signed
    /// period statement, the public key and the consistency proof from the window's start. Hashes and totals only.
    /// The server checks both signatures itself too (<c>verified</c>); a careful verifier repeats that with a pinned key.
    /// </summary>
    private static async Task<IResult> ProofRootAsync(string proofRoot, HttpContext http, Database db, CancellationToken ct)
    {
        var text = RawPath.LastSegment(http, proofRoot);
        var source = http.Request.Query["source"].ToString();
        if (source is not ("" or "db" or "chain" or "both"))
        {
            return Envelope.Fail(Error.Validation("source", "must be one of db, chain, both"));
        }

        if (ScopeRules.ProofRoot(text) is not { } root)
        {
            return Envelope.Fail(Error.Validation("proofRoot", "must be 64 hex characters (a SHA-256 root), optionally prefixed with 0x"));
        }

        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QueryFirstOrDefaultAsync<CheckpointRow>(new CommandDefinition(
            $"SELECT {CheckpointRow.Columns} FROM checkpoints WHERE proof_root = @root ORDER BY created_at DESC, checkpoint_id DESC LIMIT 1",
            new { root }, cancellationToken: ct));
        if (row is null)
        {
            return Envelope.Fail(new Error(404, ErrorCodes.NotFound, "No checkpoint has this proof root. Check the value printed on the invoice; a proof root is 64 hex characters."));
        }

        var ledger = await connection.QuerySingleAsync<KeyRow>(new CommandDefinition(
            "SELECT origin, key_name, public_key, tree_size, checkpoint FROM tenant_ledgers WHERE tenant_id = @tenantId", new { tenantId = row.tenant_id }, cancellationToken: ct));
        var publicKey = Convert.FromBase64String(ledger.public_key);
        using var statement = JsonDocument.Parse(row.statement);
        var noteOk = SignedNote.Verify(row.note, ledger.key_name, publicKey, out var body)
            && Ledger.Checkpoint.TryParse(body, out var head) && head!.Size == row.to_size && Hex.Encode(head.RootHash) == row.proof_root;
        var statementOk = PeriodStatement.Verify(statement.RootElement, Convert.FromBase64String(row.signature), publicKey)
            && statement.RootElement.TryGetProperty("rootHash", out var r) && r.GetString() == row.proof_root;
        var verified = noteOk && statementOk;
        var chainAsked = source is "chain" or "both";
        var message = !verified
            ? "The stored checkpoint does not verify against the log's public key."
            : chainAsked
                ? "Anchoring to a public network is not enabled on this plane: no anchor to check. The signed note and period statement verify against the log's public key."
                : "The signed note and period statement verify against the log's public key.";
        return Envelope.Ok(new ProofRootView(verified, row.proof_root, ledger.origin, row.period, row.to_size, row.proof_root, row.note, statement.RootElement.Clone(),
            row.signature, ledger.public_key, SignedNote.VerifierKey(ledger.key_name, publicKey), CheckpointEndpoints.Consistency(row),
            new SummaryView(row.delta_count, row.net_change, row.customer_count), source is "" ? "db" : source, null, message));
    }

    /// <summary>A log's public key by origin (<c>{host}/{tenantId}/{environment}</c>), to pin before verifying.</summary>
    private static async Task<IResult> KeyAsync(HttpContext http, Database db, CancellationToken ct)
    {
        var origin = RawPath.After(http, "/api/v1/verify/keys/");
        if (string.IsNullOrEmpty(origin))
        {
            return Envelope.Fail(Error.NotFound("log"));
        }

        await using var connection = await db.OpenAsync(ct);
        var ledger = await connection.QueryFirstOrDefaultAsync<KeyRow>(new CommandDefinition(
            "SELECT origin, key_name, public_key, tree_size, checkpoint FROM tenant_ledgers WHERE origin = @origin", new { origin }, cancellationToken: ct));
        return ledger is null
            ? Envelope.Fail(Error.NotFound("log"))
            : Envelope.Ok(new KeyView(ledger.origin, ledger.key_name, "Ed25519", ledger.public_key,
                SignedNote.VerifierKey(ledger.key_name, Convert.FromBase64String(ledger.public_key)), ledger.tree_size, ledger.checkpoint));
    }

    private sealed class KeyRow
    {
        public string origin { get; set; } = "";

        public string key_name { get; set; } = "";

        public string public_key { get; set; } = "";

        public long tree_size { get; set; }

        public string checkpoint { get; set; } = "";
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
