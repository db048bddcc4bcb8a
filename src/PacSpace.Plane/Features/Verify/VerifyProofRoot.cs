using System.Text.Json;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Ledger;
using PacSpace.Plane.Features.Checkpoints;
using PacSpace.Plane.Features.Scopes;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Verify;

/// <summary>
/// What a third party needs to check a period checkpoint offline: the signed note at <c>toSize</c>, the signed
/// period statement, the public key and the consistency proof from the window's start. Hashes and totals only.
/// The server checks both signatures itself too (<c>verified</c>); a careful verifier repeats that with a pinned key.
/// </summary>
internal sealed class VerifyProofRoot(Database db)
{
    /// <param name="Source">db (default, also when empty), chain or both.</param>
    public sealed record Input(string ProofRoot, string Source);

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
        ConsistencyView ConsistencyFromPrevious,
        SummaryView Summary,
        string Source,
        object? Anchor,
        string Message);

    public async Task<Result<ProofRootView>> HandleAsync(Input input, CancellationToken ct)
    {
        var source = input.Source;
        if (source is not ("" or "db" or "chain" or "both"))
        {
            return Error.Validation("source", "must be one of db, chain, both");
        }

        if (ScopeRules.ProofRoot(input.ProofRoot) is not { } root)
        {
            return Error.Validation("proofRoot", "must be 64 hex characters (a SHA-256 root), optionally prefixed with 0x");
        }

        await using var connection = await db.OpenAsync(ct);
        var row = await CheckpointStore.LatestByProofRootAsync(connection, root, ct);
        if (row is null)
        {
            return new Error(404, ErrorCodes.NotFound, "No checkpoint has this proof root. Check the value printed on the invoice; a proof root is 64 hex characters.");
        }

        var ledger = await TenantLedgerStore.PublicLogAsync(connection, row.TenantId, ct)
            ?? throw new InvalidOperationException($"Checkpoint {row.CheckpointId} has no tenant ledger.");
        var publicKey = Convert.FromBase64String(ledger.PublicKey);
        using var statement = JsonDocument.Parse(row.Statement);
        var noteOk = SignedNote.Verify(row.Note, ledger.KeyName, publicKey, out var body)
            && Ledger.Checkpoint.TryParse(body, out var head) && head!.Size == row.ToSize && Hex.Encode(head.RootHash) == row.ProofRoot;
        var statementOk = PeriodStatement.Verify(statement.RootElement, Convert.FromBase64String(row.Signature), publicKey)
            && statement.RootElement.TryGetProperty("rootHash", out var r) && r.GetString() == row.ProofRoot;
        var verified = noteOk && statementOk;
        var chainAsked = source is "chain" or "both";
        var message = !verified
            ? "The stored checkpoint does not verify against the log's public key."
            : chainAsked
                ? "Anchoring to a public network is not enabled on this plane: no anchor to check. The signed note and period statement verify against the log's public key."
                : "The signed note and period statement verify against the log's public key.";
        return new ProofRootView(verified, row.ProofRoot, ledger.Origin, row.Period, row.ToSize, row.ProofRoot, row.Note, statement.RootElement.Clone(),
            row.Signature, ledger.PublicKey, SignedNote.VerifierKey(ledger.KeyName, publicKey), ConsistencyView.Of(row),
            new SummaryView(row.DeltaCount, row.NetChange, row.CustomerCount), source is "" ? "db" : source, null, message);
    }
}
