using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Ledger;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Verify;

/// <summary>A log's public key by origin (<c>{host}/{tenantId}/{environment}</c>), to pin before verifying.</summary>
internal sealed class GetLogKey(Database db)
{
    public sealed record Input(string? Origin);

    public sealed record KeyView(string Origin, string KeyName, string Algorithm, string PublicKey, string VerifierKey, long TreeSize, string Checkpoint);

    public async Task<Result<KeyView>> HandleAsync(Input input, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(input.Origin))
        {
            return Error.NotFound("log");
        }

        await using var connection = await db.OpenAsync(ct);
        var ledger = await TenantLedgerStore.PublicLogByOriginAsync(connection, input.Origin, ct);
        return ledger is null
            ? Error.NotFound("log")
            : new KeyView(ledger.Origin, ledger.KeyName, "Ed25519", ledger.PublicKey,
                SignedNote.VerifierKey(ledger.KeyName, Convert.FromBase64String(ledger.PublicKey)), ledger.TreeSize, ledger.Checkpoint);
    }
}
